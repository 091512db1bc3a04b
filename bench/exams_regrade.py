"""Regrade after a key correction: 10,000 closed attempts of 60 questions on PostgreSQL.

    .venv/bin/python bench/exams_regrade.py [--attempts 10000]

Creates (once, bulk) 10,000 graded attempts of a 60-question exam with random answers, then corrects the
key of one question every attempt showed and times: the dry run (what would change), the real regrade
(grades, audit rows, newly passed notified), and a second run (nothing left to change). Prints total
time and time per attempt. Target: < 20 s for the regrade.
"""
import argparse
import random
import time
from decimal import Decimal

from exams_common import bench_candidates, bench_exam, setup_django


def build(n):
    from django.db import transaction
    from django.utils import timezone

    from exams import grading
    from exams.models import Attempt, AttemptQuestion, Question
    from lms.scoring import points_to_percent

    cert = bench_exam(60, tag="regrade")
    exam = cert.exam
    if Attempt.objects.filter(exam=exam).count() == n:
        return cert
    Attempt.objects.filter(exam=exam).delete()
    users = bench_candidates(cert, n, tag="regrade")
    questions = list(Question.objects.filter(pk__in=exam.fixed_questions.values("question")).order_by("pk"))
    versions = [q.sync_version() for q in questions]
    rng = random.Random(42)
    now = timezone.now()
    t0 = time.perf_counter()
    for start in range(0, n, 500):
        batch = users[start:start + 500]
        with transaction.atomic():
            attempts = Attempt.objects.bulk_create([
                Attempt(exam=exam, user=u, number=1, status="graded", seed=rng.getrandbits(60), started_at=now,
                        deadline=now, submitted_at=now, graded_at=now) for u in batch])
            rows = []
            for a in attempts:
                earned = Decimal(0)
                for pos, v in enumerate(versions, start=1):
                    if rng.random() < 0.7:
                        response = grading.right_response(v.qtype, v.key)
                    else:
                        response = {}
                    awarded = grading.award(v.qtype, v.key, response, v.points)
                    earned += awarded
                    rows.append(AttemptQuestion(attempt=a, version=v, position=pos, response=response or None,
                                                awarded=awarded, saved_at=now))
                a.theory_points, a.theory_max = earned, Decimal(len(versions))
                a.theory_pct = points_to_percent(earned, a.theory_max)
                a.final_pct = a.theory_pct
                a.passed = a.final_pct >= exam.pass_mark
                a.pass_notified_at = now if a.passed else None
            AttemptQuestion.objects.bulk_create(rows, batch_size=5000)
            Attempt.objects.bulk_update(attempts, ["theory_points", "theory_max", "theory_pct", "final_pct", "passed",
                                                   "pass_notified_at"], batch_size=1000)
    print(f"set-up: {n} graded attempts × {len(versions)} questions ({n * len(versions):,} answers) "
          f"in {time.perf_counter() - t0:.1f} s")
    return cert


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--attempts", type=int, default=10000)
    args = ap.parse_args()
    setup_django()
    from django.contrib.auth.models import Group

    from exams import services
    from exams.models import Attempt, Question, RegradeAudit
    from lms.accounts.models import User

    cert = build(args.attempts)
    staff, _ = User.objects.get_or_create(email="regrade-staff@bench.test")
    staff.groups.add(Group.objects.get_or_create(name="flowstage_staff")[0])
    question = Question.objects.filter(name="regrade-002").get()  # a true/false question every attempt showed
    # Toggle the key (a correction) so every run has work to do.
    question.key = {"answer": not question.key["answer"]}
    question.save()
    n = Attempt.objects.filter(exam=cert.exam).count()
    t0 = time.perf_counter()
    dry = services.regrade_question(question, staff, dry_run=True)
    t_dry = time.perf_counter() - t0
    audits_before = RegradeAudit.objects.count()
    t0 = time.perf_counter()
    changes = services.regrade_question(question, staff, dry_run=False)
    t_apply = time.perf_counter() - t0
    audits = RegradeAudit.objects.count() - audits_before
    t0 = time.perf_counter()
    again = services.regrade_question(question, staff, dry_run=True)
    t_again = time.perf_counter() - t0
    newly = sum(1 for c in changes if c.newly_passed)
    print(f"{n} attempts of {cert.exam.fixed_questions.count()} questions; key of 1 question corrected")
    print(f"dry run : {t_dry:6.2f} s  ({t_dry / n * 1000:.3f} ms per attempt)  {len(dry)} attempts would change")
    print(f"regrade : {t_apply:6.2f} s  ({t_apply / n * 1000:.3f} ms per attempt)  {len(changes)} changed, "
          f"{audits} audit rows, {newly} newly passed   (target < 20 s: {'OK' if t_apply < 20 else 'MISSED'})")
    print(f"re-run  : {t_again:6.2f} s  ({t_again / n * 1000:.3f} ms per attempt)  {len(again)} left to change "
          f"(ratio regrade/dry run {t_apply / t_dry:.1f}×)")


if __name__ == "__main__":
    main()
