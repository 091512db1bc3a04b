"""Issue 10, Medium 9: review options per exam, as Moodle has them (exams/review.py).

The attack: the full correction showed after attempt 1 of 3, so the next attempt was a memory test. A
certification's default now shows the score only until the exam is closed for the candidate (last attempt
used or passed, or window ended); then what the options allow. The result page and the API read the same
function (`exams.selectors.attempt_review`)."""
import json
from datetime import datetime, timedelta, timezone as dt_timezone
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from exams import review, selectors, services
from exams.models import AttemptQuestion, Exam
from tests.exams import helpers as h
from tests.factories import make_user

T0 = datetime(2026, 5, 1, 10, 0, tzinfo=dt_timezone.utc)
FEEDBACK = "Explication secrète"  # every helper question's feedback
RIGHT = "Front of house"  # the short question's right answer (the student answers otherwise)
GIVEN = "Régie façade"  # the student's own (wrong) short answer


# --- The pure rules -------------------------------------------------------------------------------------

def test_moments():
    assert review.moment(T0, T0 + timedelta(seconds=120), exam_closed=False) == review.IMMEDIATELY
    assert review.moment(T0, T0 + timedelta(seconds=121), exam_closed=False) == review.OPEN
    assert review.moment(T0, T0 + timedelta(seconds=5), exam_closed=True) == review.CLOSED


@pytest.mark.parametrize("kwargs,closed", [
    ({"attempts": 1}, False),
    ({"attempts": 3}, True),
    ({"attempts": 3, "any_open": True}, False),  # the last attempt is still running
    ({"attempts": 1, "any_passed": True}, True),  # passed: no further attempt
    ({"attempts": 1, "available_until": T0 - timedelta(seconds=1)}, True),
    ({"attempts": 1, "available_until": T0 + timedelta(days=1)}, False),
])
def test_exam_closed_for_the_candidate(kwargs, closed):
    args = {"now": T0, "available_until": None, "max_attempts": 3, "any_open": False, "any_passed": False, **kwargs}
    assert review.exam_closed_for(**args) is closed


def test_model_defaults_are_the_certification_default():
    exam = Exam()
    assert review.options_of(exam) == review.DEFAULTS
    assert review.DEFAULTS[review.IMMEDIATELY] == review.DEFAULTS[review.OPEN] == {review.SCORE}
    assert review.DEFAULTS[review.CLOSED] == set(review.PARTS)


# --- Through the result page and the API ----------------------------------------------------------------

def _cert(**kwargs):
    return h.make_certification(types=("single", "short", "matching"), practical=False, **kwargs)


def _attempt(cert, student, answer=True):
    attempt = services.start_attempt(cert.exam, student)
    if answer:
        for aq in AttemptQuestion.objects.filter(attempt=attempt).select_related("version"):
            if aq.version.qtype == "short":
                services.save_answer(attempt.pk, student, aq.pk, {"text": GIVEN})
    return services.submit_attempt(attempt)


def _page(client, student, attempt):
    client.force_login(student)
    resp = client.get(reverse("exams:result", kwargs={"attempt_id": attempt.pk}))
    assert resp.status_code == 200
    return resp.content.decode()


def _api(client, api_token, student, attempt):
    resp = client.get(f"/api/v1/exams/attempts/{attempt.pk}/result", **api_token(student))
    assert resp.status_code == 200
    return resp.json()


@pytest.mark.django_db
def test_attempt_1_of_3_of_a_certification_shows_the_score_only(client, api_token):
    cert = _cert()  # the certification's default options
    student = h.registered_student(cert)
    attempt = _attempt(cert, student)
    assert attempt.number == 1 and cert.exam.max_attempts == 3
    html = _page(client, student, attempt)
    assert 'id="final-score"' in html and 'id="verdict"' in html
    for hidden in (RIGHT, FEEDBACK, GIVEN, "Right answer", "Voix", 'id="review-h"'):
        assert hidden not in html
    assert 'id="review-later"' in html
    payload = _api(client, api_token, student, attempt)
    assert payload["review"] == {"moment": "immediately", "score": True, "responses": False,
                                 "right_answers": False, "feedback": False}
    assert Decimal(payload["final_pct"]) == attempt.final_pct and "questions" not in payload
    raw = json.dumps(payload, ensure_ascii=False)
    assert RIGHT not in raw and FEEDBACK not in raw and GIVEN not in raw
    # Later, while the exam is still open to the student: the same.
    later = selectors.attempt_review(attempt, student, "en", now=timezone.now() + timedelta(days=1))
    assert later["scope"].moment == review.OPEN and later["questions"] == []


@pytest.mark.django_db
def test_after_the_last_attempt_the_options_show_everything(client, api_token):
    cert = _cert()
    student = h.registered_student(cert)
    first = _attempt(cert, student)
    _attempt(cert, student, answer=False)
    html = _page(client, student, first)
    assert RIGHT not in html and FEEDBACK not in html  # attempt 2 of 3 used: still open to the student
    _attempt(cert, student, answer=False)  # the last attempt
    html = _page(client, student, first)
    assert RIGHT in html and FEEDBACK in html and GIVEN in html and 'id="review-later"' not in html
    payload = _api(client, api_token, student, first)
    assert payload["review"]["moment"] == "closed" and payload["review"]["right_answers"]
    short = next(q for q in payload["questions"] if q["type"] == "short")
    assert short["correct"] == "Front of house / FOH" and short["feedback"] == FEEDBACK
    assert short["response"] == {"text": GIVEN} and short["awarded"] == "0.0000"


@pytest.mark.django_db
def test_when_the_window_closes_the_options_show_what_they_allow(client, api_token):
    cert = _cert(available_until=timezone.now() + timedelta(hours=1))
    exam = cert.exam
    for part in review.PARTS:  # after the close: the own answers and the feedback, not the key
        setattr(exam, review.field_name(review.CLOSED, part), part in (review.SCORE, review.RESPONSES,
                                                                       review.FEEDBACK))
    exam.save()
    student = h.registered_student(cert)
    attempt = _attempt(cert, student)
    assert FEEDBACK not in _page(client, student, attempt)
    Exam.objects.filter(pk=exam.pk).update(available_until=timezone.now() - timedelta(seconds=1))
    html = _page(client, student, attempt)
    assert FEEDBACK in html and GIVEN in html
    assert RIGHT not in html and "Right answer" not in html and "review-right" not in html
    payload = _api(client, api_token, student, attempt)
    assert payload["review"]["moment"] == "closed"
    raw = json.dumps(payload, ensure_ascii=False)
    assert FEEDBACK in raw and GIVEN in raw and RIGHT not in raw
    for q in payload["questions"]:
        assert "correct" not in q and "awarded" not in q
        assert all(row["ok"] is None for row in q.get("given", []))


@pytest.mark.django_db
def test_each_moment_follows_its_own_options(client):
    cert = _cert(**h.review_options({review.IMMEDIATELY: {review.SCORE, review.RESPONSES}, review.OPEN: set(),
                                     review.CLOSED: {review.SCORE}}))
    student = h.registered_student(cert)
    attempt = _attempt(cert, student)
    at = attempt.submitted_at
    now = selectors.attempt_review(attempt, student, "en", now=at + timedelta(seconds=60))
    assert now["scope"].moment == review.IMMEDIATELY and now["scope"].responses and not now["scope"].right_answers
    short = next(q for q in now["questions"] if q["type"] == "short")
    assert short["response"] == {"text": GIVEN} and "correct" not in short and "feedback" not in short
    later = selectors.attempt_review(attempt, student, "en", now=at + timedelta(minutes=5))
    assert later["scope"] == review.Scope.of((), review.OPEN) and later["questions"] == []
    # Nothing at all shown (5 minutes on, the exam still open to them): the page says so, without a score.
    from exams.models import Attempt

    Attempt.objects.filter(pk=attempt.pk).update(submitted_at=timezone.now() - timedelta(minutes=5))
    html = _page(client, student, attempt)
    assert 'id="review-hidden"' in html and 'id="final-score"' not in html and 'id="verdict"' not in html
    # The moment the exam closes for the student (they passed, say), its own options.
    Attempt.objects.filter(pk=attempt.pk).update(passed=True)
    attempt.refresh_from_db()
    closed = selectors.attempt_review(attempt, student, "en", now=at + timedelta(seconds=60))
    assert closed["scope"] == review.Scope.of({review.SCORE}, review.CLOSED)


@pytest.mark.django_db
def test_practical_comments_are_feedback(client):
    cert = h.make_certification(types=("truefalse",), practical=True)
    student = h.registered_student(cert)
    attempt = _attempt(cert, student, answer=False)
    staff = make_user("flowstage_staff")
    crit = list(cert.exam.rubric.criteria.order_by("position"))
    levels = {str(c.pk): str(c.levels.order_by("position")[3].pk) for c in crit}
    services.score_practical(attempt, staff, levels, {str(crit[0].pk): "Câblage exemplaire"},
                             "Très bonne prestation", sign_off=True)
    attempt.refresh_from_db()
    html = _page(client, student, attempt)  # attempt 1 of 3: score only
    assert "Practical assessment" in html and "Câblage exemplaire" not in html and "Très bonne" not in html
    client.force_login(staff)
    full = client.get(reverse("exams:result", kwargs={"attempt_id": attempt.pk})).content.decode()
    assert "Câblage exemplaire" in full and "Très bonne prestation" in full


@pytest.mark.django_db
def test_review_options_are_edited_in_the_exam_admin(client):
    cert = _cert()
    admin = make_user(None, is_superuser=True, is_staff=True)
    client.force_login(admin)
    url = reverse("admin:exams_exam_change", args=[cert.exam.pk])
    page = client.get(url).content.decode()
    for m in review.MOMENTS:
        for p in review.PARTS:
            assert f'name="{review.field_name(m, p)}"' in page
    exam = cert.exam
    data = {"title_fr": exam.title_fr, "title_en": "", "slug": exam.slug, "instructions_fr": "",
            "instructions_en": "", "theory_weight": "100", "practical_weight": "0", "pass_mark": "75",
            "rubric": "", "time_limit_minutes": "60", "max_attempts": "3", "wait_between_attempts": "0",
            "grace_seconds": "30", "review_open_responses": "on", "review_closed_score": "on",
            "fixed_questions-TOTAL_FORMS": "0", "fixed_questions-INITIAL_FORMS": "0",
            "random_draws-TOTAL_FORMS": "0", "random_draws-INITIAL_FORMS": "0"}
    resp = client.post(url, data)
    assert resp.status_code == 302, resp.content.decode()[:3000]
    exam.refresh_from_db()
    assert review.options_of(exam) == {review.IMMEDIATELY: frozenset(), review.OPEN: {review.RESPONSES},
                                       review.CLOSED: {review.SCORE}}
    assert exam.history.count() >= 2  # audited like every change of an exam


@pytest.mark.django_db
def test_certification_page_shows_an_attempts_score_only_when_the_options_do(client):
    from exams import grading

    cert = _cert(**h.review_options({review.CLOSED: set(review.PARTS)}))  # nothing until the exam closes
    student = h.registered_student(cert)
    attempt = services.start_attempt(cert.exam, student)
    single = AttemptQuestion.objects.select_related("attempt", "version").get(attempt=attempt,
                                                                             version__qtype="single")
    h.save(attempt, single, grading.right_response("single", single.version.key))
    attempt = services.submit_attempt(attempt)
    assert attempt.passed is False and round(attempt.final_pct, 1) == Decimal("33.3")
    client.force_login(student)
    url = reverse("exams:certification", kwargs={"code": cert.code})
    html = client.get(url).content.decode()
    assert "33.3" not in html and "Not passed" not in html
    Exam.objects.filter(pk=cert.exam.pk).update(available_until=timezone.now() - timedelta(seconds=1))
    html = client.get(url).content.decode()
    assert "33.3" in html and "Not passed" in html


@pytest.mark.django_db
def test_personal_data_export_follows_the_review_options():
    """The student's data download shows an attempt as the result page does: attempt 1 of 3 carries the score
    but neither the points per question nor the stored answer in the bank's ids (matching p1 → p1 is the key)."""
    from exams import grading
    from exams.personal_data import export

    cert = h.make_certification(types=("matching", "single"), practical=False)
    student = h.registered_student(cert)
    attempt = services.start_attempt(cert.exam, student)
    for aq in AttemptQuestion.objects.filter(attempt=attempt).select_related("attempt", "version"):
        h.save(attempt, aq, grading.right_response(aq.version.qtype, aq.version.key))
    services.submit_attempt(attempt)
    item = export(student)["attempts"][0]
    assert item["passed"] is True and item["review"]["moment"] == "closed"  # passed: the exam is closed for them
    assert {q["type"] for q in item["answers"]} == {"matching", "single"} and all("correct" in q for q in item["answers"])
    cert2 = h.make_certification(types=("matching", "single"), practical=False, pass_mark=Decimal(100))
    other = h.registered_student(cert2)
    first = services.start_attempt(cert2.exam, other)
    for aq in AttemptQuestion.objects.filter(attempt=first).select_related("attempt", "version"):
        if aq.version.qtype == "matching":
            h.save(first, aq, grading.right_response(aq.version.qtype, aq.version.key))
    services.submit_attempt(first)
    item = export(other)["attempts"][0]
    raw = json.dumps(item, ensure_ascii=False)
    assert item["review"] == {"moment": "immediately", "score": True, "responses": False, "right_answers": False,
                              "feedback": False}
    assert Decimal(item["final_pct"]) == Decimal(50)
    assert item["answers"] == [] and "awarded" not in raw and FEEDBACK not in raw and '"p1"' not in raw
    # Once the window closes: what the options allow, with the attempt's opaque ids, never the bank's.
    Exam.objects.filter(pk=cert2.exam.pk).update(available_until=timezone.now() - timedelta(seconds=1))
    item = export(other)["attempts"][0]
    matching = next(q for q in item["answers"] if q["type"] == "matching")
    assert matching["correct"] and matching["awarded"] == "1.0000" and FEEDBACK in json.dumps(item, ensure_ascii=False)
    assert set(matching["response"]["pairs"]) == {o["id"] for o in matching["left"]}
    assert not set(matching["response"]["pairs"]) & {"p1", "p2", "p3"}


@pytest.mark.django_db
def test_best_score_on_the_students_pages_follows_the_review_options(client):
    from exams import grading

    cert = _cert(**h.review_options({review.CLOSED: set(review.PARTS)}))  # nothing until the exam closes
    student = h.registered_student(cert)
    attempt = services.start_attempt(cert.exam, student)
    single = AttemptQuestion.objects.select_related("attempt", "version").get(attempt=attempt,
                                                                             version__qtype="single")
    h.save(attempt, single, grading.right_response("single", single.version.key))
    services.submit_attempt(attempt)
    assert selectors.results_by_user([student.pk])[student.pk][0]["best_score"] is not None  # staff's view
    assert selectors.own_results(student)[0]["best_score"] is None
    client.force_login(student)
    for url in (reverse("exams:certifications"), reverse("student_dashboard")):
        assert "33.3" not in client.get(url).content.decode(), url
    Exam.objects.filter(pk=cert.exam.pk).update(available_until=timezone.now() - timedelta(seconds=1))
    assert round(selectors.own_results(student)[0]["best_score"], 1) == Decimal("33.3")
    for url in (reverse("exams:certifications"), reverse("student_dashboard")):
        assert "33.3" in client.get(url).content.decode(), url
