"""Celery tasks (thin wrappers around services, idempotent)."""
from celery import shared_task


@shared_task(name="exams.tasks.close_expired_attempts")
def close_expired_attempts() -> int:
    """Close every open attempt past its deadline + grace period, keeping the answers saved so far."""
    from exams import services

    return services.close_expired_attempts()
