"""Celery tasks of the composing layer (thin wrappers, idempotent)."""
import datetime
import logging

from celery import shared_task
from django.contrib.auth import get_user_model
from django.utils import timezone

from lms.accounts import roles

log = logging.getLogger(__name__)


@shared_task(name="lms.tasks.snapshot_job_readiness")
def snapshot_job_readiness(month: str | None = None, user_ids: list[int] | None = None) -> int:
    """Store this month's job-readiness score of every student (or of `user_ids`).

    Idempotent: one row per student and month, replaced when run again. `month` is "YYYY-MM-DD"."""
    from lms.readiness_inputs import snapshot_user

    day = datetime.date.fromisoformat(month) if month else timezone.localdate()
    users = get_user_model().objects.filter(groups__name=roles.STUDENT, is_active=True).distinct().order_by("pk")
    if user_ids is not None:
        users = users.filter(pk__in=user_ids)
    done = 0
    for user in users.iterator(chunk_size=200):
        try:
            snapshot_user(user, day)
            done += 1
        except Exception:  # one broken profile must not stop the monthly run
            log.exception("job-readiness snapshot failed for user %s", user.pk)
    return done


@shared_task(name="lms.tasks.run_queued", acks_late=True)
def run_queued(pk: int) -> bool:
    """Run one task of the transactional outbox (lms/queue.py), once."""
    from lms import queue

    return queue.run_queued(pk)


@shared_task(name="lms.tasks.sweep_queued")
def sweep_queued() -> dict:
    """Run the outbox's tasks that were never published or whose worker was lost (lms/queue.py)."""
    from lms import queue

    return queue.sweep()
