"""A Celery worker SIGKILLed in the middle of a bulk issuance and of issuance on pass, then restarted: every
recipient ends with exactly one credential, the job reaches 100 %, no status-list index is used twice, and each
holder gets one e-mail. Real PostgreSQL, a private Redis, real worker processes (with their beat: the sweep)."""
import time
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from badges import services
from badges.models import BulkIssuance, Credential
from tests.faults.conftest import Worker, celery_on, wait_for
from tests.factories import make_user

pytestmark = [pytest.mark.services]

RECIPIENTS = 200


def _students(n: int, prefix: str):
    User = get_user_model()
    User.objects.bulk_create([User(email=f"{prefix}{i}@faults.test", first_name="Élève", last_name=str(i))
                              for i in range(n)])
    return list(User.objects.filter(email__startswith=prefix).order_by("pk"))


def _assert_status_entries_unique():
    entries = Counter(Credential.objects.values_list("status_list_id", "status_index"))
    assert entries and max(entries.values()) == 1


def _no_email_due():
    return not Credential.objects.filter(email_pending=True).exists()


def test_bulk_issuance_survives_a_killed_worker(transactional_db, private_redis, tmp_path, record_property):
    from badges.models import Achievement

    achievement = Achievement.objects.create(slug="faults-bulk", name="Stage safety — bulk",
                                             description="Issued in bulk while a worker is killed.")
    staff = make_user("flowstage_staff")
    students = _students(RECIPIENTS, "bulk")
    with celery_on(private_redis.url) as queue:
        worker = Worker(private_redis.url, queue, tmp_path, beat=True).start()
        try:
            job = services.start_bulk_issuance(achievement=achievement, created_by=staff,
                                               recipients=[{"user_id": u.pk} for u in students])
            wait_for(lambda: BulkIssuance.objects.get(pk=job.pk).issued >= 30, 60, what="30 credentials")
            worker.kill()
            killed_at = time.monotonic()
            at_kill = Credential.objects.filter(bulk_job=job).count()
            assert 0 < at_kill < RECIPIENTS
            worker.start(ping=False)
            wait_for(lambda: Credential.objects.filter(bulk_job=job).count() > at_kill, 60, what="issuance resumed")
            resumed = time.monotonic() - killed_at
            wait_for(lambda: BulkIssuance.objects.get(pk=job.pk).status == BulkIssuance.Status.DONE, 90,
                     what="the job to finish")
            wait_for(_no_email_due, 30, what="every e-mail sent")
        finally:
            worker.stop()
    job.refresh_from_db()
    assert (job.percent, job.issued, job.skipped, job.failed) == (100, RECIPIENTS, 0, 0)
    per_user = Counter(Credential.objects.filter(achievement=achievement).values_list("user_id", flat=True))
    assert set(per_user) == {u.pk for u in students} and set(per_user.values()) == {1}
    _assert_status_entries_unique()
    mails = Counter(worker.mails())
    assert set(mails) == {u.email for u in students} and set(mails.values()) == {1}
    assert all(services._files_stored(pk) for pk in Credential.objects.values_list("pk", flat=True))
    record_property("bulk_resumed_after_kill_s", round(resumed, 1))
    print(f"\n[faults] bulk: killed at {at_kill}/{RECIPIENTS}; issuance resumed {resumed:.1f} s after the kill")


def test_issuance_on_pass_survives_a_killed_worker(transactional_db, private_redis, tmp_path, record_property):
    from exams.models import Attempt
    from exams.signals import certification_passed
    from tests.exams.helpers import make_certification

    cert = make_certification(types=("single",), practical=False)
    students = _students(60, "pass")
    with celery_on(private_redis.url) as queue:
        # The sweep waits 30 s here, so that the killed tasks, not the sweep, are what the restart must finish; it
        # still sends the e-mails of credentials whose task died between the commit and the e-mail.
        worker = Worker(private_redis.url, queue, tmp_path, beat=True,
                        env={"BADGES_SWEEP_GRACE_SECONDS": "30"}).start()
        try:
            now = timezone.now()
            attempts = Attempt.objects.bulk_create([
                Attempt(exam=cert.exam, user=u, seed=1, deadline=now, status="graded", passed=True,
                        final_pct="82.5", graded_at=now, pass_notified_at=now) for u in students])
            # What exams does on a pass: the signal; badges enqueues on commit. The worker is killed as soon as it
            # has issued something, while passes are still being announced (some wait in the queue meanwhile).
            killed_at = None
            for attempt in attempts:
                certification_passed.send(sender=Attempt, attempt=attempt)
                if killed_at is None and Credential.objects.exists():
                    worker.kill()
                    killed_at = time.monotonic()
            if killed_at is None:
                wait_for(Credential.objects.exists, 60, what="the first credential")
                worker.kill()
                killed_at = time.monotonic()
            at_kill = Credential.objects.count()
            assert 0 < at_kill < len(attempts)
            worker.start(ping=False)
            wait_for(lambda: Credential.objects.count() == len(attempts), 90, what="every credential")
            recovered = time.monotonic() - killed_at
            wait_for(_no_email_due, 90, what="every e-mail sent")
        finally:
            worker.stop()
    per_attempt = Counter(Credential.objects.values_list("attempt_id", flat=True))
    assert set(per_attempt) == {a.pk for a in attempts} and set(per_attempt.values()) == {1}
    _assert_status_entries_unique()
    mails = Counter(worker.mails())
    assert set(mails) == {u.email for u in students} and set(mails.values()) == {1}
    record_property("pass_recovered_after_kill_s", round(recovered, 1))
    print(f"\n[faults] on pass: killed at {at_kill}/{len(attempts)}; all issued {recovered:.1f} s after the kill")
