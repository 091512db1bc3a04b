"""Automatic issuance: exams' certification_passed -> on commit -> Celery task -> one credential."""
import pytest

from badges import receivers, services, tasks
from badges.models import Achievement, Credential
from badges_testkit import celery_eager, doc_of, passed_attempt, verify_doc  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("celery_eager")]


def test_receiver_is_connected():
    from exams.signals import certification_passed

    assert receivers.connect() is True
    assert any("badges.issue_on_certification_passed" in str(r[0]) for r in certification_passed.receivers)


def test_signal_enqueues_the_task_on_commit(django_capture_on_commit_callbacks, mailoutbox):
    from exams.models import Attempt
    from exams.signals import certification_passed

    attempt = passed_attempt()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        certification_passed.send(sender=Attempt, attempt=attempt)
    assert not Credential.objects.exists()  # nothing before the commit
    with django_capture_on_commit_callbacks(execute=True):
        for cb in callbacks:
            cb()
    cred = Credential.objects.get(attempt=attempt)
    assert cred.user == attempt.user and str(cred.score) == "82.50"
    ach = cred.achievement
    assert ach.certification_id == attempt.exam.certification.pk
    assert "75" in ach.criteria_narrative and "Examen test" in ach.criteria_narrative
    assert verify_doc(doc_of(cred)).verdict == "VALID"
    assert len(mailoutbox) == 1


def test_task_is_idempotent():
    attempt = passed_attempt()
    first = tasks.issue_credential_for_attempt.delay(attempt.pk).get()
    second = tasks.issue_credential_for_attempt(attempt.pk)
    assert first == second
    assert Credential.objects.filter(attempt=attempt).count() == 1
    assert Achievement.objects.count() == 1


def test_failed_attempt_gets_nothing():
    attempt = passed_attempt(passed=False, final_pct="60")
    assert tasks.issue_credential_for_attempt(attempt.pk) is None
    assert tasks.issue_credential_for_attempt(987654) is None
    assert not Credential.objects.exists()


def test_worker_dying_mid_way_leaves_nothing_half_written(monkeypatch):
    attempt = passed_attempt()

    def crash(*args, **kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(services.signing, "sign_document", crash)
    with pytest.raises(RuntimeError):
        services.issue_for_attempt(attempt.pk)
    assert not Credential.objects.exists()
    monkeypatch.undo()
    result = services.issue_for_attempt(attempt.pk)
    assert result.created and Credential.objects.count() == 1


def test_through_the_exam_flow(django_capture_on_commit_callbacks):
    """A real theory-only exam, all answers right: passed -> badge."""
    from exams import services as exams_services
    from tests.exams.helpers import all_right, make_certification, registered_student

    cert = make_certification(types=("single", "truefalse"), practical=False)
    user = registered_student(cert)
    with django_capture_on_commit_callbacks(execute=True):
        attempt = exams_services.start_attempt(cert.exam, user)
        all_right(attempt)
        attempt.refresh_from_db()
        exams_services.submit_attempt(attempt)
    attempt.refresh_from_db()
    assert attempt.passed is True
    cred = Credential.objects.get(attempt=attempt)
    assert cred.user == user
