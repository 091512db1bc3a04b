"""Enqueue Celery tasks so that neither a broker outage nor a lost process loses the work, nor fails the request.

Two ways in:

- ``enqueue_on_commit(name, *args)``: the transactional outbox. A ``QueuedTask`` row is written in the caller's
  transaction; after the commit the row is published (``lms.tasks.run_queued``). If the broker is down, or the
  process dies between the commit and the publish, the row stays undone and ``sweep`` (Celery beat, every
  QUEUE_SWEEP_SECONDS) runs it once the worker is up. The row is claimed under its lock in the transaction that
  runs the task, so a task published twice runs once. Notifications of careers and partnerships go this way.
- ``enqueue(task, *args)``: publish only, for work whose own rows tell what is left to do (badges: a passed attempt
  without its credential, a due e-mail, a stale bulk job; ``badges.services.sweep`` finds them).

When the broker is down, Celery's publish fails after a few quick retries; raised from an on-commit callback, that
would answer the request with a 500 although its work was committed. Both log the failure instead (the fault tests
found worse: Celery's Redis result backend subscribed to the task's result first, tried to reconnect 20 times a
second apart, then raised "the Celery application must be restarted"; nobody reads the result of an enqueued task,
so it is published with ``ignore_result``). Only the broker's errors are caught: an error of the task itself (run
in-process in the embedded mode, where Celery is eager) still propagates.
"""
import importlib
import logging
from datetime import timedelta

import kombu.exceptions
import redis.exceptions
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

log = logging.getLogger(__name__)

BROKER_ERRORS = (kombu.exceptions.OperationalError, redis.exceptions.RedisError, ConnectionError, TimeoutError)
# A publish while the broker is down waits at most about this long before giving up (retries 0.1 s, 0.2 s).
PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0.1, "interval_step": 0.1, "interval_max": 0.2}
# A queued task that failed this many times is left for a person (admin: its last error), not retried forever.
MAX_ATTEMPTS = 5


def enqueue(task, *args) -> bool:
    """``task.delay(*args)`` (``task``: a task, or a task's name for ``send_task``); False (logged) when the broker
    could not take it."""
    try:
        if isinstance(task, str):
            from lms.celery import app

            app.send_task(task, args=args, retry=True, retry_policy=PUBLISH_RETRY_POLICY, ignore_result=True)
        else:
            task.apply_async(args=args, retry=True, retry_policy=PUBLISH_RETRY_POLICY, ignore_result=True)
        return True
    except BROKER_ERRORS as exc:
        log.warning("could not enqueue %s%r (%s): the periodic sweep will do it", getattr(task, "name", task), args,
                    exc)
        return False


def enqueue_on_commit(name: str, *args):
    """Run the task ``name`` (a registered Celery task's name) with ``args`` (JSON) once, after the current
    transaction commits; nothing if it rolls back. Returns the ``QueuedTask``."""
    from lms.models import QueuedTask

    row = QueuedTask.objects.create(name=name, args=list(args))
    transaction.on_commit(lambda: _publish(row.pk))
    return row


def _publish(pk: int) -> None:
    from lms.celery import app

    if app.conf.task_always_eager:
        run_queued(pk, raise_errors=True)  # the embedded mode: in-process, its errors seen
    else:
        enqueue("lms.tasks.run_queued", pk)


def _task(name: str):
    from lms.celery import app

    if name not in app.tasks:
        importlib.import_module(name.rsplit(".", 1)[0])  # registers it (Celery discovers tasks lazily)
    return app.tasks[name]


def run_queued(pk: int, *, raise_errors: bool = False) -> bool:
    """Run the queued task ``pk`` if it is still undone: True if it ran now. Its row stays locked while it runs,
    so a second copy (published by the sweep, redelivered) waits and then finds it done. A failure is counted
    (``attempts``, ``last_error``) and left for the sweep."""
    from lms.models import QueuedTask

    try:
        with transaction.atomic():
            row = QueuedTask.objects.select_for_update().filter(pk=pk, done_at__isnull=True).first()
            if row is None:
                return False
            _task(row.name)(*row.args)
            # Its arguments go: they may carry a link's secret, kept only until the e-mail is sent.
            QueuedTask.objects.filter(pk=pk).update(done_at=timezone.now(), attempts=row.attempts + 1, args=[])
        return True
    except Exception as exc:
        QueuedTask.objects.filter(pk=pk).update(attempts=F("attempts") + 1, last_error=repr(exc)[:2000])
        if raise_errors:
            raise
        log.exception("queued task %s failed (the sweep retries it)", pk)
        return False


def sweep(now=None, limit: int = 200) -> dict:
    """Run the queued tasks still undone after QUEUE_SWEEP_GRACE_SECONDS (their publish failed, or their worker was
    lost), at most ``limit``, each once; forget done and given-up rows older than QUEUE_KEEP_DAYS."""
    from lms.models import QueuedTask

    now = now or timezone.now()
    grace = timedelta(seconds=settings.QUEUE_SWEEP_GRACE_SECONDS)
    due = list(QueuedTask.objects.filter(done_at__isnull=True, attempts__lt=MAX_ATTEMPTS,
                                         created_at__lte=now - grace)
               .order_by("created_at").values_list("pk", flat=True)[:limit])
    ran = sum(run_queued(pk) for pk in due)
    # Done rows, and rows given up after MAX_ATTEMPTS (left for a person to read in the admin), are forgotten after
    # QUEUE_KEEP_DAYS: their arguments may hold a secret (a tutor's signing link).
    keep = now - timedelta(days=settings.QUEUE_KEEP_DAYS)
    forgotten, _ = QueuedTask.objects.filter(
        Q(done_at__lt=keep) | Q(done_at__isnull=True, attempts__gte=MAX_ATTEMPTS, created_at__lt=keep)).delete()
    return {"due": len(due), "ran": ran, "forgotten": forgotten}
