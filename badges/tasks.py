"""Celery tasks of the badges app: thin, idempotent wrappers around services.

Acknowledged late (settings: CELERY_TASK_ACKS_LATE, reject on a lost worker): a worker killed mid-task leaves the
message to be delivered again, and every task here is safe to run again (unique keys on the attempt and on the
bulk job's recipient). Retries are bounded; what is still undone after them is the sweep's (``sweep``)."""
from celery import shared_task
from django.db import InterfaceError, OperationalError


@shared_task(name="badges.tasks.issue_credential_for_attempt", acks_late=True, autoretry_for=(Exception,),
             retry_backoff=True, retry_backoff_max=300, max_retries=5)
def issue_credential_for_attempt(attempt_id: int):
    """Issue the credential of a passed certification attempt; a re-run returns the same one."""
    from badges import services

    result = services.issue_for_attempt(int(attempt_id))
    return str(result.credential.pk) if result else None


@shared_task(name="badges.tasks.run_bulk_issuance", acks_late=True,
             autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, retry_backoff_max=300,
             max_retries=5)
def run_bulk_issuance(job_id: int):
    from badges import services

    job = services.run_bulk(int(job_id))
    return {"issued": job.issued, "skipped": job.skipped, "failed": job.failed}


@shared_task(name="badges.tasks.sweep", acks_late=True)
def sweep():
    """Periodic (Celery beat): finish the issuances, e-mails and bulk jobs a lost task left undone."""
    from badges import services

    return services.sweep()
