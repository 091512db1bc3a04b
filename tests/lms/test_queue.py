"""The transactional outbox (lms/queue.py): a task written in the transaction that needs it runs once after the
commit, never after a rollback, and survives the broker being down (the sweep runs it once, later)."""
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from lms import queue
from lms.celery import app
from lms.models import QueuedTask

pytestmark = pytest.mark.django_db

CALLS = []


@app.task(name="tests.lms.record")
def record(*args):
    if args and args[0] == "fail":
        raise RuntimeError("the mail server refused")
    CALLS.append(args)
    return len(CALLS)


@pytest.fixture(autouse=True)
def _calls():
    CALLS.clear()
    yield
    CALLS.clear()


def _age(row, seconds):
    QueuedTask.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(seconds=seconds))


def test_runs_once_after_the_commit_and_forgets_its_arguments(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = queue.enqueue_on_commit("tests.lms.record", 7, "secret-token")
        assert CALLS == []  # not before the commit
    assert CALLS == [(7, "secret-token")]
    row.refresh_from_db()
    assert row.done_at and row.attempts == 1 and row.args == []  # a link's secret is not kept once sent
    assert queue.run_queued(row.pk) is False and len(CALLS) == 1  # published twice: runs once


def test_a_rolled_back_change_queues_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(ZeroDivisionError), transaction.atomic():
            queue.enqueue_on_commit("tests.lms.record", 1)
            1 / 0
    assert CALLS == [] and not QueuedTask.objects.exists()


def test_broker_down_the_request_succeeds_and_the_sweep_runs_it_once_later(broker_down, settings, caplog,
                                                                          django_capture_on_commit_callbacks):
    settings.QUEUE_SWEEP_GRACE_SECONDS = 60
    with django_capture_on_commit_callbacks(execute=True):
        row = queue.enqueue_on_commit("tests.lms.record", 1)
    assert "the periodic sweep will do it" in caplog.text and CALLS == []
    assert queue.sweep() == {"due": 0, "ran": 0, "forgotten": 0}  # its publish may still be on its way: wait
    _age(row, 61)
    assert queue.sweep()["ran"] == 1 and CALLS == [(1,)]
    assert queue.sweep()["due"] == 0 and CALLS == [(1,)]  # once


def test_a_failing_task_is_counted_retried_and_left_for_a_person_after_five(settings,
                                                                           django_capture_on_commit_callbacks):
    settings.QUEUE_SWEEP_GRACE_SECONDS = 0
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        row = queue.enqueue_on_commit("tests.lms.record", "fail")  # eager: the error is seen
    row.refresh_from_db()
    assert row.done_at is None and row.attempts == 1 and "mail server refused" in row.last_error
    for _ in range(6):
        queue.sweep()
    row.refresh_from_db()
    assert row.attempts == queue.MAX_ATTEMPTS and row.done_at is None
    assert queue.sweep()["due"] == 0


def test_done_rows_are_forgotten_after_the_keep_days(settings, django_capture_on_commit_callbacks):
    settings.QUEUE_KEEP_DAYS = 30
    with django_capture_on_commit_callbacks(execute=True):
        old = queue.enqueue_on_commit("tests.lms.record", 1)
        recent = queue.enqueue_on_commit("tests.lms.record", 2)
    QueuedTask.objects.filter(pk=old.pk).update(done_at=timezone.now() - timedelta(days=31))
    assert queue.sweep()["forgotten"] == 1
    assert list(QueuedTask.objects.values_list("pk", flat=True)) == [recent.pk]


def test_given_up_rows_are_forgotten_after_the_keep_days_too(settings):
    """A row given up after five attempts may hold a secret in its arguments (a tutor's link): it is kept for a person
    to read for QUEUE_KEEP_DAYS, then forgotten; a row still being retried is never forgotten."""
    settings.QUEUE_KEEP_DAYS = 30
    given_up = QueuedTask.objects.create(name="tests.lms.record", args=["secret"], attempts=queue.MAX_ATTEMPTS)
    retrying = QueuedTask.objects.create(name="tests.lms.record", args=["later"], attempts=1)
    fresh_given_up = QueuedTask.objects.create(name="tests.lms.record", args=["x"], attempts=queue.MAX_ATTEMPTS)
    month_ago = timezone.now() - timedelta(days=31)
    QueuedTask.objects.filter(pk__in=[given_up.pk, retrying.pk]).update(created_at=month_ago)
    settings.QUEUE_SWEEP_GRACE_SECONDS = 10 ** 9  # nothing is due: only forgetting is looked at
    assert queue.sweep()["forgotten"] == 1
    assert set(QueuedTask.objects.values_list("pk", flat=True)) == {retrying.pk, fresh_given_up.pk}
