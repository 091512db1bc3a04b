"""Shared set-up of the exams benchmarks (not a benchmark itself): a PostgreSQL database
flowstage_bench_exams on 127.0.0.1:5432 (user postgres; created and migrated if missing), an entitled
school, a 60-question certification exam and N registered candidates (bulk inserts)."""
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "flowstage_bench_exams"
DB_URL = os.environ.get("BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{DB_NAME}")
os.environ["DATABASE_URL"] = DB_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings")
os.environ.setdefault("DEBUG", "0")

TYPES = ["single", "multiple", "truefalse", "numeric", "short", "matching", "ordering"]


def ensure_database():
    import psycopg

    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone():
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def setup_django():
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def bench_exam(n_questions=60, tag="bench"):
    """A certification whose exam has `n_questions` fixed questions of every type (theory only)."""
    from decimal import Decimal

    from exams.models import Certification, Exam, ExamFixedQuestion, Question, QuestionCategory
    from tests.exams.helpers import KEYS

    exam, created = Exam.objects.get_or_create(slug=f"{tag}-exam", defaults={
        "title_fr": f"Examen {tag}", "theory_weight": Decimal(100), "practical_weight": Decimal(0),
        "time_limit_minutes": 600, "max_attempts": 100})
    cert, _ = Certification.objects.get_or_create(code=f"{tag}-cert", defaults={"name_fr": tag, "exam": exam})
    if created:
        cat = QuestionCategory.objects.create(name=f"{tag} category")
        for i in range(n_questions):
            t = TYPES[i % len(TYPES)]
            q = Question(category=cat, qtype=t, text_fr=f"Question {i} ({t})", key=KEYS[t], points=Decimal(1),
                         name=f"{tag}-{i:03d}")
            q.save()
            ExamFixedQuestion.objects.create(exam=exam, question=q, position=i)
    return cert


def bench_candidates(cert, n, tag="bench"):
    """n users in an entitled sound cohort, registered (bulk)."""
    from decimal import Decimal

    from django.contrib.auth.models import Group

    from exams.models import Registration
    from lms.accounts.models import User
    from partnerships.entitlements import FLOW_STAGE_READY_CERTIFICATION
    from partnerships.models import (
        Cohort, CohortMembership, Entitlement, Partnership, Programme, School, Tier,
    )

    school, created = School.objects.get_or_create(slug=f"{tag}-school", defaults={"name": f"{tag} school",
                                                                                  "category": "sound"})
    if created:
        tier = Tier.objects.create(code=f"{tag}-tier", name=f"{tag} tier", rank=900 + school.pk,
                                   annual_fee=Decimal("2500"))
        ent, _ = Entitlement.objects.get_or_create(code=FLOW_STAGE_READY_CERTIFICATION, defaults={"name": "FSR"})
        tier.entitlements.add(ent)
        Partnership.objects.create(school=school, tier=tier, status="active", annual_fee=Decimal("2500"))
    programme, _ = Programme.objects.get_or_create(school=school, name="Ingénieur Son",
                                                   defaults={"domain": "sound", "degree_level": 3})
    cohort, _ = Cohort.objects.get_or_create(programme=programme, graduation_year=2027)
    existing = list(User.objects.filter(email__endswith=f"@{tag}.test").order_by("pk"))
    if len(existing) < n:
        User.objects.bulk_create([User(email=f"c{i:05d}@{tag}.test", first_name="Candidat", last_name=f"{i:05d}")
                                  for i in range(len(existing), n)], batch_size=2000)
        existing = list(User.objects.filter(email__endswith=f"@{tag}.test").order_by("pk"))
    users = existing[:n]
    group = Group.objects.get_or_create(name="student")[0]
    group.user_set.add(*users)
    have = set(CohortMembership.objects.filter(cohort=cohort).values_list("user_id", flat=True))
    CohortMembership.objects.bulk_create([CohortMembership(cohort=cohort, user=u) for u in users if u.pk not in have],
                                         batch_size=2000)
    have = set(Registration.objects.filter(certification=cert).values_list("user_id", flat=True))
    Registration.objects.bulk_create([Registration(certification=cert, user=u, fee=cert.price)
                                      for u in users if u.pk not in have], batch_size=2000)
    return users


def percentile(values, p):
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * p / 100
    f = int(k)
    c = min(f + 1, len(values) - 1)
    return values[f] + (values[c] - values[f]) * (k - f)


if __name__ == "__main__":
    print("exams_common.py is the set-up shared by bench/exams_autosave.py and bench/exams_regrade.py")
