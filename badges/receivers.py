"""Signal receivers: exams announces a passed certification, courses a passed module (or its credits withdrawn);
badges issues (or revokes). Neither exams nor courses imports badges."""
from django.db import transaction


def on_certification_passed(sender, attempt=None, **kwargs):
    if attempt is None or not getattr(attempt, "passed", True):
        return
    from badges.tasks import issue_credential_for_attempt

    attempt_id = attempt.pk
    transaction.on_commit(lambda: issue_credential_for_attempt.delay(attempt_id))


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


def on_module_passed(sender, record=None, **kwargs):
    """courses announces a passed module (its ECTS credit record, committed): badges issues its credential."""
    if record is None:
        return
    from badges.tasks import issue_credential_for_module

    record_id = record.pk
    transaction.on_commit(lambda: issue_credential_for_module.delay(record_id))


def on_module_credits_withdrawn(sender, user_id=None, course_id=None, **kwargs):
    if user_id is None or course_id is None:
        return
    from badges.tasks import revoke_module_credential

    transaction.on_commit(lambda: revoke_module_credential.delay(user_id, course_id))


def connect_courses():
    from courses import signals as courses_signals

    courses_signals.module_passed.connect(on_module_passed, dispatch_uid="badges.issue_on_module_passed")
    courses_signals.module_credits_withdrawn.connect(on_module_credits_withdrawn,
                                                     dispatch_uid="badges.revoke_on_module_credits_withdrawn")


def connect():
    connect_courses()
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
