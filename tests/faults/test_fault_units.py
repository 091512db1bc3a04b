"""Fast tests of the fault-handling pieces, without the services (the embedded mode): the Redis cache's fallback,
the 503 for an unreachable database, enqueueing with the broker down, the idempotent bulk run, the claimed e-mail
and the sweep."""
from datetime import timedelta

import pytest
from django.db import InterfaceError, OperationalError
from django.test import RequestFactory
from django.utils import timezone

from lms import cache_versions, db_contention
from lms.cache_backend import ResilientRedisCache
from tests.faults.conftest import free_port


def _dead_redis_cache(**options):
    return ResilientRedisCache(f"redis://127.0.0.1:{free_port()}/0", {"OPTIONS": {"BREAK_SECONDS": 60, **options}})


def test_cache_with_redis_down_answers_from_process_memory():
    cache = _dead_redis_cache()
    assert cache.get("absent", "default") == "default"
    assert cache.degraded
    cache.set("k", "v", 30)
    assert cache.get("k") == "v" and cache.get_many(["k", "x"]) == {"k": "v"}
    assert cache.add("n", 0, 30) and cache.incr("n") == 1 and cache.incr("n") == 2
    cache.decr("n")
    assert cache.get("n") == 1
    cache.delete("k")
    assert cache.get("k") is None and not cache.has_key("k")


def test_versions_bumped_during_an_outage_are_replayed_when_redis_is_back(monkeypatch):
    cache = _dead_redis_cache()
    cache.get("probe")
    # a version's first bump (cache_versions._incr: incr fails, set to 1 without expiry), then a second one
    with pytest.raises(ValueError):
        cache.incr("v:courses")
    cache.set("v:courses", 1, None)
    cache.incr("v:courses")
    cache.add("ratelimit:x", 0, 60)
    cache.incr("ratelimit:x")
    replayed = {}
    monkeypatch.setattr("django.core.cache.backends.redis.RedisCache.incr",
                        lambda self, key, delta=1, version=None: replayed.__setitem__(key, delta) or delta)
    monkeypatch.setattr("django.core.cache.backends.redis.RedisCache.get",
                        lambda self, key, default=None, version=None: default)
    cache._down_until = 0  # the breaker's pause is over; Redis answers (the patched calls)
    assert cache.get("anything", "d") == "d"
    assert replayed == {"v:courses": 2}  # the rate limit's counter (it expires) is not replayed
    assert not cache.degraded and cache._fallback.get("v:courses") is None


def test_versions_are_fresh_while_the_shared_cache_is_degraded(monkeypatch):
    class Down:
        degraded = True

    monkeypatch.setattr(cache_versions, "cache", Down())
    a, b = cache_versions.version("x"), cache_versions.version("x")
    assert a != b and a < 0 and b < 0


@pytest.mark.parametrize("exc, api, status, retry", [
    (OperationalError("server closed the connection unexpectedly"), True, 503, "5"),
    (InterfaceError("connection already closed"), False, 503, "5"),
    (OperationalError("database is locked"), True, 503, "2"),
])
def test_database_out_of_reach_is_a_503_with_retry_after(monkeypatch, exc, api, status, retry):
    monkeypatch.setattr(db_contention.connection, "vendor", "postgresql")
    request = RequestFactory().put("/api/v1/exams/attempts/1/answers/2" if api else "/dashboard/")
    response = db_contention.ContentionMiddleware(lambda r: None).process_exception(request, exc)
    assert response.status_code == status and response["Retry-After"] == retry


def test_other_sqlite_errors_stay_errors(monkeypatch):
    monkeypatch.setattr(db_contention.connection, "vendor", "sqlite")
    assert not db_contention.is_retryable(OperationalError("no such table: x"))  # the embedded mode: a bug
    assert db_contention.is_retryable(InterfaceError("connection already closed"))


def test_enqueue_with_the_broker_down_logs_and_returns_false(caplog):
    from lms.celery import app
    from lms.queue import enqueue

    @app.task(name="tests.faults.noop")
    def noop(x):
        return x

    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app._pool, app.amqp._producer_pool = None, None
    app.conf.update(broker_url=f"redis://127.0.0.1:{free_port()}/0", task_always_eager=False)
    try:
        assert enqueue(noop, 1) is False
    finally:
        app._pool, app.amqp._producer_pool = None, None
        app.conf.update(broker_url=saved[0], task_always_eager=saved[1])
    assert "the periodic sweep will do it" in caplog.text


# --- badges: idempotent bulk run, claimed e-mail, sweep (services in-process) --------------------------------------
@pytest.fixture
def achievement(db):
    from badges.models import Achievement

    return Achievement.objects.create(slug="faults-units", name="Stage safety")


def _job(achievement, users):
    from badges.models import BulkIssuance
    from tests.factories import make_user

    return BulkIssuance.objects.create(achievement=achievement, created_by=make_user("flowstage_staff"),
                                       recipients=[{"user_id": u.pk} for u in users], total=len(users))


def test_a_bulk_job_run_again_after_a_crash_issues_no_second_credential(achievement, mailoutbox,
                                                                         django_capture_on_commit_callbacks):
    from badges import services
    from badges.models import BulkIssuance, Credential
    from tests.factories import make_user

    users = [make_user("student") for _ in range(4)]
    job = _job(achievement, users)
    # The first run died after two recipients: their credentials exist, the job still says RUNNING.
    with django_capture_on_commit_callbacks(execute=True):
        for u in users[:2]:
            services.issue_credential(u, achievement, bulk_job_id=job.pk)
    BulkIssuance.objects.filter(pk=job.pk).update(status="running", issued=1)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.run_bulk(job.pk)
        again = services.issue_credential(users[0], achievement, bulk_job_id=job.pk)
    assert not again.created
    assert (job.status, job.issued, job.skipped, job.percent) == ("done", 4, 0, 100)
    assert sorted(Credential.objects.values_list("user_id", flat=True)) == sorted(u.pk for u in users)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(u.email for u in users)
    assert all(services._files_stored(c.pk) for c in Credential.objects.all())


def test_the_unique_key_stops_a_second_credential_for_a_bulk_recipient(achievement):
    from django.db import IntegrityError, transaction

    from badges.models import Credential
    from tests.factories import make_user

    from badges import services

    user = make_user("student")
    job = _job(achievement, [user])
    cred = services.issue_credential(user, achievement, bulk_job_id=job.pk, notify=False).credential
    dup = Credential.objects.get(pk=cred.pk)
    dup.pk, dup.short_id, dup.status_index = None, "dup12345", cred.status_index + 1
    import uuid

    dup.id = uuid.uuid4()
    with pytest.raises(IntegrityError), transaction.atomic():
        dup.save(force_insert=True)


def test_an_email_is_sent_once_even_if_two_senders_try(achievement, mailoutbox):
    from badges import services
    from badges.models import Credential
    from tests.factories import make_user

    cred = services.issue_credential(make_user("student"), achievement).credential  # on_commit not run: still due
    assert Credential.objects.get(pk=cred.pk).email_pending
    assert services.notify_holder(cred.pk, only_if_due=True) is True
    assert services.notify_holder(cred.pk, only_if_due=True) is False
    assert len(mailoutbox) == 1
    row = Credential.objects.get(pk=cred.pk)
    assert not row.email_pending and row.email_sent_at


def test_a_failed_send_is_released_for_the_sweep(achievement, monkeypatch, mailoutbox):
    from badges import services
    from badges.models import Credential
    from tests.factories import make_user

    cred = services.issue_credential(make_user("student"), achievement).credential
    monkeypatch.setattr(services, "send_mail", lambda *a, **k: (_ for _ in ()).throw(OSError("smtp down")))
    assert services.notify_holder(cred.pk, only_if_due=True) is False
    row = Credential.objects.get(pk=cred.pk)
    assert row.email_pending and row.email_claimed_at is None


def test_sweep_finishes_lost_work_once(achievement, mailoutbox, settings):
    from badges import services
    from badges.models import BulkIssuance, Credential
    from exams.models import Attempt
    from tests.exams.helpers import make_certification
    from tests.factories import make_user

    settings.BADGES_SWEEP_GRACE_SECONDS = 60
    old = timezone.now() - timedelta(minutes=5)
    cert = make_certification(types=("single",), practical=False)
    lost = Attempt.objects.create(exam=cert.exam, user=make_user("student"), seed=1, deadline=old, status="graded",
                                  passed=True, final_pct="90", graded_at=old, pass_notified_at=old)
    recent = Attempt.objects.create(exam=cert.exam, user=make_user("student"), seed=1, deadline=old,
                                    status="graded", passed=True, final_pct="90", graded_at=old,
                                    pass_notified_at=timezone.now())
    failed = Attempt.objects.create(exam=cert.exam, user=make_user("student"), seed=1, deadline=old,
                                    status="graded", passed=False, final_pct="20", graded_at=old)
    unsent = services.issue_credential(make_user("student"), achievement).credential
    Credential.objects.filter(pk=unsent.pk).update(issued_at=old)
    quiet = services.issue_credential(make_user("student"), achievement, notify=False).credential
    Credential.objects.filter(pk=quiet.pk).update(issued_at=old)
    stale = _job(achievement, [make_user("student")])
    BulkIssuance.objects.filter(pk=stale.pk).update(status="running", heartbeat_at=old)

    done = services.sweep()
    assert done["credentials"] == 1 and done["bulk_jobs"] == 1
    assert Credential.objects.filter(attempt=lost).exists()
    assert not Credential.objects.filter(attempt__in=[recent, failed]).exists()  # too recent / not passed
    assert BulkIssuance.objects.get(pk=stale.pk).status == "done"  # eager here: run by the sweep's enqueue
    # The unsent e-mail went out once; the credential issued without e-mail got none.
    assert [m.to[0] for m in mailoutbox].count(unsent.user.email) == 1
    assert quiet.user.email not in [m.to[0] for m in mailoutbox]
    again = services.sweep()
    assert again == {"credentials": 0, "emails": 0, "bulk_jobs": 0}
