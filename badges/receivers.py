"""Signal receivers: exams announces a passed certification, badges issues (exams never imports badges)."""
from django.db import transaction


def on_certification_passed(sender, attempt=None, **kwargs):
    if attempt is None or not getattr(attempt, "passed", True):
        return
    from badges.tasks import issue_credential_for_attempt
    from lms.queue import enqueue

    attempt_id = attempt.pk
    # Redis down: not enqueued (logged); the sweep finds the passed attempt without a credential and issues it.
    transaction.on_commit(lambda: enqueue(issue_credential_for_attempt, attempt_id))


def on_attempt_rewards(sender, attempt=None, **kwargs):
    """What a passed attempt earned, for its result page: the credential issued for it (a link to the holder's
    badge page), or its achievement while the issuance task runs."""
    if attempt is None or not attempt.passed:
        return None
    from django.urls import reverse

    from badges.models import Achievement, Credential

    cred = Credential.objects.select_related("achievement").filter(attempt=attempt).first()
    if cred is not None:
        return {"title": cred.achievement.text("name"), "url": reverse("badges:detail", args=[cred.pk]),
                "issued": True}
    ach = Achievement.objects.filter(certification__exam_id=attempt.exam_id).first()
    if ach is None:
        return None
    return {"title": ach.text("name"), "url": reverse("badges:mine"), "issued": False}


def connect():
    try:
        from exams import signals as exams_signals
    except ImportError:  # TODO(lead): exams.signals not there yet
        return False
    signal = getattr(exams_signals, "certification_passed", None)
    if signal is None:
        return False
    signal.connect(on_certification_passed, dispatch_uid="badges.issue_on_certification_passed")
    exams_signals.attempt_rewards.connect(on_attempt_rewards, dispatch_uid="badges.attempt_rewards")
    return True
