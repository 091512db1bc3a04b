"""Redis stopped (the private one this test started): pages render, sessions survive, sign-in works, the exam's
autosave keeps saving, rate limits still count (per process); a pass whose issuance could not be enqueued is not
lost: the worker's sweep issues its credential, and e-mails it once, when Redis is back; an invitation made during the
outage waits in the outbox (lms/queue.py) and is sent once."""
import time

import pytest
from django.core.cache import caches
from django.test import Client

from badges.models import Credential
from tests.faults.conftest import Worker, celery_on, wait_for
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.services]

# Redis stays down this long (the minute): pages keep being asked for all through it.
OUTAGE_SECONDS = 60


@pytest.fixture
def cache_on_private_redis(settings, private_redis):
    settings.CACHES = {**settings.CACHES, "default": {"BACKEND": "lms.cache_backend.ResilientRedisCache",
                                                      "LOCATION": private_redis.url,
                                                      "OPTIONS": {"BREAK_SECONDS": 1}}}
    yield caches["default"]


INVITEE = "nina.outage@example.test"


def invite_during_outage():
    from partnerships import services
    from partnerships.models import Cohort, Programme, School, SchoolMember
    from tests.factories import make_user

    school = School.objects.create(name="École Outage", slug="ecole-outage", city="Lyon", category="sound")
    staff = make_user("school_staff")
    SchoolMember.objects.create(school=school, user=staff, role="staff")
    cohort = Cohort.objects.create(programme=Programme.objects.create(school=school, name="Son", domain="sound",
                                                                      degree_level=3),
                                   graduation_year=2027, label="L3")
    assert services.invite_to_cohort(cohort, [services.Row(1, INVITEE, "Nina", "Roy")], by=staff) == 1


def test_redis_down_degrades_and_nothing_is_lost(transactional_db, private_redis, cache_on_private_redis, tmp_path,
                                                 record_property):
    from exams import grading
    from exams import services as exams_services
    from exams.models import AttemptQuestion
    from tests.exams.helpers import as_client, make_certification, registered_student

    cert = make_certification(types=("single", "truefalse"), practical=False)
    student = registered_student(cert)
    attempt = exams_services.start_attempt(cert.exam, student)
    signed_in = Client()
    signed_in.force_login(student)
    assert signed_in.get("/student/").status_code == 200
    cache_on_private_redis.set("faults:probe", 1)

    with celery_on(private_redis.url) as queue:
        worker = Worker(private_redis.url, queue, tmp_path, beat=True).start()
        try:
            private_redis.stop()
            down_at = time.monotonic()
            assert cache_on_private_redis.get("faults:probe") is None  # Redis gone: a miss, not an error
            # Pages render; the session made before the outage still signs the student in (sessions: database).
            for path in ("/", "/exams/certifications/", "/student/", f"/exams/attempts/{attempt.pk}/"):
                r = signed_in.get(path)
                assert r.status_code == 200, (path, r.status_code)
            # Sign-in works.
            fresh = Client()
            r = fresh.post("/accounts/login/", {"username": student.email, "password": TEST_PASSWORD})
            assert r.status_code == 302 and fresh.get("/student/").status_code == 200
            # Autosave keeps saving, through the API the exam page calls.
            for aq in AttemptQuestion.objects.filter(attempt=attempt).select_related("attempt", "version"):
                answer = as_client(aq, grading.right_response(aq.version.qtype, aq.version.key))
                r = signed_in.put(f"/api/v1/exams/attempts/{attempt.pk}/answers/{aq.pk}",
                                  data={"response": answer}, content_type="application/json")
                assert r.status_code == 200, r.content
            assert all(aq.response for aq in AttemptQuestion.objects.filter(attempt=attempt))
            # Submitting passes; the issuance task cannot be enqueued, and the student still gets their result.
            r = signed_in.post(f"/api/v1/exams/attempts/{attempt.pk}/submit")
            assert r.status_code == 200, r.content
            attempt.refresh_from_db()
            assert attempt.passed is True and not Credential.objects.filter(attempt=attempt).exists()
            # School staff invite someone to a cohort: the e-mail's task cannot be published; it waits in the
            # outbox (lms/queue.py), written with the invitation.
            invite_during_outage()
            # Through the rest of the minute, pages keep rendering (the cache's breaker retries Redis and falls back).
            while time.monotonic() - down_at < OUTAGE_SECONDS:
                assert signed_in.get("/student/").status_code == 200
                assert fresh.get("/exams/certifications/").status_code == 200
                time.sleep(5)
            private_redis.start()
            back_at = time.monotonic()
            wait_for(lambda: Credential.objects.filter(attempt=attempt, email_pending=False).exists(), 60,
                     what="the credential issued and mailed by the sweep")
            wait_for(lambda: INVITEE in worker.mails(), 60, what="the invitation sent by the outbox's sweep")
            recovered = time.monotonic() - back_at
            time.sleep(2)  # a few more sweeps: nothing is done twice
        finally:
            worker.stop()
    assert Credential.objects.filter(attempt=attempt).count() == 1
    assert sorted(worker.mails()) == sorted([student.email, INVITEE])  # each once
    # The cache is Redis again.
    wait_for(lambda: cache_on_private_redis.set("faults:probe", 2) or cache_on_private_redis.get("faults:probe") == 2,
             5, what="the cache back on Redis")
    record_property("redis_outage_credential_after_s", round(recovered, 1))
    print(f"\n[faults] Redis down {OUTAGE_SECONDS} s: pass issued and mailed {recovered:.1f} s after Redis came back")


def test_rate_limit_counts_per_process_while_redis_is_down(transactional_db, private_redis, cache_on_private_redis,
                                                           settings):
    """The local fallback of the rate limit (decided: fail to a per-process count, not open)."""
    from django.test import RequestFactory
    from django_ratelimit.core import get_usage

    settings.RATELIMIT_ENABLE = True
    private_redis.stop()
    try:
        request = RequestFactory().post("/verify/", REMOTE_ADDR="203.0.113.9")
        usages = [get_usage(request, group="faults", key="ip", rate="3/m", method="POST", increment=True)
                  for _ in range(5)]
        assert [u["should_limit"] for u in usages] == [False, False, False, True, True]
    finally:
        private_redis.start()
