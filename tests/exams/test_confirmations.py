"""What costs money or cannot be undone asks first, without JavaScript (issue 15 item 4): registering for the
certification (149 €), submitting an exam (saying how many questions are unanswered), signing an assessment off."""
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from exams import services
from exams.models import Attempt, AttemptQuestion, Registration
from tests.confirming import confirm_form, post_confirmed
from tests.exams import helpers as h
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def cert():
    return h.make_certification()


def test_registration_asks_with_the_fee_then_registers(client, cert):
    user = h.sound_student(h.entitled_school("Reg school"))
    h.give_profile(user)
    client.force_login(user)
    url = reverse("exams:certification", kwargs={"code": cert.code})
    resp = client.post(url)
    html = resp.content.decode()
    assert resp.status_code == 200 and "€149.00" in html and "Register and pay" in html
    assert not Registration.objects.filter(user=user).exists()
    action, fields = confirm_form(resp)
    # A token made for another certification, or by someone else, registers nobody.
    other = h.make_certification(types=("single",))
    stranger = make_user("student")
    client.force_login(stranger)
    stolen = client.post(url, fields)
    assert stolen.status_code == 302 and not Registration.objects.filter(user=stranger).exists()
    client.force_login(user)
    wrong = client.post(reverse("exams:certification", kwargs={"code": other.code}), fields)
    assert not Registration.objects.filter(user=user, certification=other).exists()
    assert wrong.status_code == 200 and "not valid for this action" in wrong.content.decode()
    assert client.post(action, fields).status_code == 302
    assert Registration.objects.get(user=user, certification=cert).fee == Decimal("149.00")


def test_registration_refused_before_asking(client, cert):
    user = h.sound_student(h.entitled_school("Sans cert", entitled=False))
    h.give_profile(user)
    client.force_login(user)
    resp = client.post(reverse("exams:certification", kwargs={"code": cert.code}), follow=True)
    assert 'id="confirm"' not in resp.content.decode() and "alert--error" in resp.content.decode()


def test_submit_asks_with_the_unanswered_count_and_keeps_the_answers(client, cert):
    user = h.registered_student(cert)
    attempt = services.start_attempt(cert.exam, user)
    aqs = list(AttemptQuestion.objects.filter(attempt=attempt).select_related("version").order_by("position"))
    from exams import grading

    first = next(aq for aq in aqs if aq.version.qtype == grading.SINGLE)
    first.attempt = attempt
    right = grading.right_response(first.version.qtype, first.version.key)
    h.save(attempt, first, right)
    client.force_login(user)
    url = reverse("exams:take", kwargs={"attempt_id": attempt.pk})
    page = client.get(url).content.decode()
    form = {"submit": "1"}
    # the no-JS form posts every answer: here the one saved, the six others left blank
    choice = h.tok(first, "choice", right["choice"])  # the attempt's opaque id of the option saved
    form[f"q-{first.pk}"] = choice
    assert f'value="{choice}" checked' in page
    resp = client.post(url, form)
    html = resp.content.decode()
    assert resp.status_code == 200 and "6 questions of 7 are unanswered." in html
    with translation.override("fr"):  # and in French, from the French page
        fr = client.post(reverse("exams:take", kwargs={"attempt_id": attempt.pk}), form).content.decode()
    assert "6 questions sur 7 sont sans réponse." in fr
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.OPEN
    action, fields = confirm_form(resp)
    assert set(fields) == {"csrfmiddlewaretoken", "submit", "confirm_token"}  # no answer fields: nothing blanked
    assert client.post(action, fields).status_code == 302
    attempt.refresh_from_db()
    assert attempt.status != Attempt.Status.OPEN
    assert AttemptQuestion.objects.get(pk=first.pk).response == right


def test_submit_with_every_answer_says_so(client):
    cert = h.make_certification(types=("single",), practical=False)
    user = h.registered_student(cert)
    attempt = services.start_attempt(cert.exam, user)
    h.all_right(attempt)
    client.force_login(user)
    resp = client.post(reverse("exams:take", kwargs={"attempt_id": attempt.pk}), {"submit": "1"})
    # (this POST also saved the form's answers: none were in it, so the question is blank again)
    assert "1 question of 1 is unanswered." in resp.content.decode()
    h.all_right(attempt)
    resp = client.post(reverse("exams:take", kwargs={"attempt_id": attempt.pk}),
                       {"submit": "1", "confirm_token": "forged"})
    assert "Your only question has an answer." in resp.content.decode()
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.OPEN


def test_sign_off_asks_with_the_score_then_signs(client, cert):
    user = h.registered_student(cert)
    attempt = services.start_attempt(cert.exam, user)
    h.all_right(attempt)
    services.submit_attempt(attempt)
    examiner = make_user("flowstage_staff")
    client.force_login(examiner)
    crit = list(cert.exam.rubric.criteria.order_by("position"))
    form = {f"level-{c.pk}": str(c.levels.order_by("position")[1].pk) for c in crit}
    form["overall"] = "Bon travail"
    form["sign_off"] = "1"
    url = reverse("exams:assess", kwargs={"attempt_id": attempt.pk})
    resp = client.post(url, form)
    html = resp.content.decode()
    assert resp.status_code == 200 and "Sign off this assessment?" in html and "pt)" in html
    mine = attempt.assessments.get(examiner=examiner)
    assert mine.signed_off_at is None and mine.overall_comment == "Bon travail"  # the draft is kept
    resp = post_confirmed(client, url, form)
    assert resp.status_code == 302
    mine.refresh_from_db()
    assert mine.signed_off_at is not None


def test_sign_off_with_a_criterion_missing_says_so_without_asking(client, cert):
    user = h.registered_student(cert)
    attempt = services.start_attempt(cert.exam, user)
    services.submit_attempt(attempt)
    client.force_login(make_user("flowstage_staff"))
    c1 = cert.exam.rubric.criteria.order_by("position").first()
    resp = client.post(reverse("exams:assess", kwargs={"attempt_id": attempt.pk}),
                       {f"level-{c1.pk}": str(c1.levels.first().pk), "sign_off": "1"})
    assert resp.status_code == 422 and 'id="confirm"' not in resp.content.decode()
    assert attempt.assessments.get().signed_off_at is None
