"""Celery tasks of the badges app: thin, idempotent wrappers around services."""
from celery import shared_task


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def issue_credential_for_attempt(attempt_id: int):
    """Issue the credential of a passed certification attempt; a re-run returns the same one."""
    from badges import services

    result = services.issue_for_attempt(int(attempt_id))
    return str(result.credential.pk) if result else None


@shared_task(acks_late=True)
def run_bulk_issuance(job_id: int):
    from badges import services

    job = services.run_bulk(int(job_id))
    return {"issued": job.issued, "skipped": job.skipped, "failed": job.failed}
