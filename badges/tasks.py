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
