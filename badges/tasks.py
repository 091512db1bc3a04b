"""Celery tasks of the badges app: thin, idempotent wrappers around services.

Acknowledged late (settings: CELERY_TASK_ACKS_LATE, reject on a lost worker): a worker killed mid-task leaves the
message to be delivered again, and every task here is safe to run again (unique keys on the attempt and on the
bulk job's recipient). Retries are bounded; what is still undone after them is the sweep's (``sweep``)."""
from celery import shared_task
from django.db import InterfaceError, OperationalError


@shared_task(bind=True, name="badges.tasks.issue_credential_for_attempt", acks_late=True,
             autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=300, max_retries=5)
def issue_credential_for_attempt(self, attempt_id: int):
    """Issue the credential of a passed certification attempt; a re-run returns the same one. After a key
    compromise, until the new key may sign (``KeyNotReady``), it comes back then."""
    import logging

    from django.utils import timezone

    from badges import services

    try:
        result = services.issue_for_attempt(int(attempt_id))
    except services.KeyNotReady as exc:
        if self.request.is_eager or self.app.conf.task_always_eager:  # embedded mode: no one to come back
            logging.getLogger(__name__).warning("attempt %s: no signing key until %s", attempt_id, exc.retry_at)
            return None
        raise self.retry(exc=exc, countdown=max(1.0, (exc.retry_at - timezone.now()).total_seconds() + 1))
    return str(result.credential.pk) if result else None


@shared_task(name="badges.tasks.run_bulk_issuance", acks_late=True,
             autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, retry_backoff_max=300,
             max_retries=5)
def run_bulk_issuance(job_id: int):
    from badges import services

    job = services.run_bulk(int(job_id))
    return {"issued": job.issued, "skipped": job.skipped, "failed": job.failed}


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def issue_credential_for_module(credit_record_id: int):
    """Issue the credential of a passed course module (its ECTS credit record); a re-run returns the same one."""
    from badges import services

    result = services.issue_for_module(int(credit_record_id))
    return str(result.credential.pk) if result else None


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def revoke_module_credential(user_id: int, course_id: int):
    """Revoke the credential of a module whose credits were withdrawn (idempotent)."""
    from badges import services

    return services.revoke_module_credentials(int(user_id), int(course_id))


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def reissue_compromised():
    """One batch of the re-issuance after a key compromise (``services.reissue_compromised``, idempotent). A worker
    continues with the next batch, or comes back when the new key may sign; the embedded mode (eager tasks) runs
    the batches in turn and leaves a wait to the next sweep (beat, the take-over of the new key, or
    ``manage.py declare_key_compromised --reissue``)."""
    from django.utils import timezone

    from badges import services

    eager = bool(reissue_compromised.request.is_eager or reissue_compromised.app.conf.task_always_eager)
    result = services.reissue_compromised()
    moved = lambda r: r["reissued"] or r["copies_resigned"]  # noqa: E731 - a batch that did something
    while eager and result["remaining"] and moved(result):
        result = services.reissue_compromised()
    waiting = result["waiting_until"]
    if not eager:
        if waiting is not None:
            services.enqueue_reissue(countdown=max(1.0, (waiting - timezone.now()).total_seconds() + 1))
        elif result["remaining"] and moved(result):
            services.enqueue_reissue()
    return {**result, "waiting_until": waiting.isoformat() if waiting else None}


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def notify_reissued(credential_pk: str):
    """Tell the holder of a re-issued credential or re-signed wallet copies (once: a re-run sends nothing)."""
    from badges import services

    return services.notify_reissued(credential_pk)


@shared_task(name="badges.tasks.sweep", acks_late=True)
def sweep():
    """Periodic (Celery beat): finish the issuances, e-mails and bulk jobs a lost task left undone."""
    from badges import services

    return services.sweep()


@shared_task(name="badges.tasks.publish_tree_head", acks_late=True)
def publish_tree_head():
    """Sign a tree head of the issuance log if it grew since the last one (Celery beat, every
    BADGES_LOG_HEAD_INTERVAL seconds); idempotent: the tree size is unique."""
    from badges import transparency

    head = transparency.publish_tree_head()
    return head.tree_size if head else None
