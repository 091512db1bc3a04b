"""The result page spells out the candidate's own matching and ordering answers, marking each row right
or wrong only when the exam's review settings show correctness."""
import re

import pytest
from django.urls import reverse
from django.utils import translation

from exams import selectors, services
from exams.models import AttemptQuestion
from tests.exams import helpers as h

pytestmark = pytest.mark.django_db

# SM58 → Voix is right; the two others are swapped. Ordering: first right, the two others swapped.
MATCHING = {"pairs": {"p1": "p1", "p2": "p3", "p3": "p2"}}
ORDERING = {"order": ["i1", "i3", "i2"]}


def _closed_attempt(review):
    cert = h.make_certification(types=("matching", "ordering"), practical=False, review=review)
    student = h.registered_student(cert)
    attempt = services.start_attempt(cert.exam, student)
    aqs = {aq.version.qtype: aq for aq in AttemptQuestion.objects.filter(attempt=attempt).select_related("version")}
    h.save(attempt, aqs["matching"], MATCHING)
    h.save(attempt, aqs["ordering"], ORDERING)
    return attempt, student, aqs


def _given(html, aq):
    """The items of the 'your answer' list of a question, tags stripped."""
    start = html.index(f'id="given-{aq.pk}"')
    block = html[start:html.index("</div>", start)]
    items = re.findall(r"<li>(.*?)</li>", block, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", i).split()) for i in items]


def test_full_review_shows_own_matching_and_ordering_answers_marked(client):
    attempt, student, aqs = _closed_attempt("full")
    services.submit_attempt(attempt)
    client.force_login(student)
    page = client.get(reverse("exams:result", kwargs={"attempt_id": attempt.pk}))
    html = page.content.decode()
    assert "(see the right answer)" not in html
    matching = _given(html, aqs["matching"])
    order = aqs["matching"].option_order["left"]  # the rows follow the order the candidate saw
    expected = {"p1": "SM58 → Voix ✓ right", "p2": "D112 → Overheads ✗ wrong", "p3": "KM184 → Grosse caisse ✗ wrong"}
    assert matching == [expected[pid] for pid in order]
    assert _given(html, aqs["ordering"]) == ["Position 1: Line check ✓ right", "Position 2: Retours ✗ wrong",
                                             "Position 3: Gains ✗ wrong"]
    # Lists, and the marks are words, not only a colour or a symbol.
    assert f'<ul aria-labelledby="given-{aqs["matching"].pk}-h">' in html
    assert f'<ol aria-labelledby="given-{aqs["ordering"].pk}-h">' in html
    assert '<span aria-hidden="true">✓</span> right' in html
    assert "Right answer" in html  # the key, as before


def test_responses_review_shows_own_answers_without_correctness(client):
    attempt, student, aqs = _closed_attempt("responses")
    services.submit_attempt(attempt)
    client.force_login(student)
    html = client.get(reverse("exams:result", kwargs={"attempt_id": attempt.pk})).content.decode()
    assert sorted(_given(html, aqs["matching"])) == ["D112 → Overheads", "KM184 → Grosse caisse", "SM58 → Voix"]
    assert _given(html, aqs["ordering"]) == ["Position 1: Line check", "Position 2: Retours",
                                             "Position 3: Gains"]
    assert "review-right" not in html and "review-wrong" not in html and "Right answer" not in html


def test_score_only_review_shows_no_answer(client):
    attempt, student, aqs = _closed_attempt("none")
    services.submit_attempt(attempt)
    client.force_login(student)
    html = client.get(reverse("exams:result", kwargs={"attempt_id": attempt.pk})).content.decode()
    assert f'id="given-{aqs["matching"].pk}"' not in html and "Voix" not in html


def test_open_attempt_has_no_review(client):
    attempt, student, _aqs = _closed_attempt("full")
    client.force_login(student)
    resp = client.get(reverse("exams:result", kwargs={"attempt_id": attempt.pk}))
    assert resp.status_code == 302 and resp["Location"] == reverse("exams:take", kwargs={"attempt_id": attempt.pk})


def test_blank_rows_and_french(client):
    cert = h.make_certification(types=("matching", "ordering"), practical=False, review="full")
    student = h.registered_student(cert)
    attempt = services.start_attempt(cert.exam, student)
    aqs = {aq.version.qtype: aq for aq in AttemptQuestion.objects.filter(attempt=attempt).select_related("version")}
    h.save(attempt, aqs["matching"], {"pairs": {"p1": "p1"}})
    h.save(attempt, aqs["ordering"], {"order": ["i1", None, None]})
    services.submit_attempt(attempt)
    client.force_login(student)
    with translation.override("fr"):
        html = client.get(reverse("exams:result", kwargs={"attempt_id": attempt.pk})).content.decode()
    matching = _given(html, aqs["matching"])
    assert "SM58 → Voix ✓ juste" in matching
    assert "D112 → pas de réponse ✗ faux" in matching and "KM184 → pas de réponse ✗ faux" in matching
    assert _given(html, aqs["ordering"]) == ["Position 1 : Line check ✓ juste", "Position 2 : aucun élément ✗ faux",
                                             "Position 3 : aucun élément ✗ faux"]


def test_selector_marks_rows_only_when_revealing():
    attempt, _student, aqs = _closed_attempt("full")
    services.submit_attempt(attempt)
    shown = {q["type"]: q for q in selectors.attempt_questions(attempt, "fr", reveal=False, review=True)}
    assert all(row["ok"] is None for q in shown.values() for row in q["given"])
    revealed = {q["type"]: q for q in selectors.attempt_questions(attempt, "fr", reveal=True, review=True)}
    assert [r["ok"] for r in revealed["ordering"]["given"]] == [True, False, False]
    assert {r["left"]: (r["chosen"], r["ok"]) for r in revealed["matching"]["given"]} == {
        "SM58": ("Voix", True), "D112": ("Overheads", False), "KM184": ("Grosse caisse", False)}
    # The exam page (no review) does not carry it.
    assert "given" not in selectors.attempt_questions(attempt, "fr")[0]


def test_api_result_carries_the_own_answer(client, api_token):
    attempt, student, _aqs = _closed_attempt("responses")
    services.submit_attempt(attempt)
    res = client.get(f"/api/v1/exams/attempts/{attempt.pk}/result", **api_token(student)).json()
    ordering = next(q for q in res["questions"] if q["type"] == "ordering")
    assert [r["chosen"] for r in ordering["given"]] == ["Line check", "Retours", "Gains"]
    assert all(r["ok"] is None for r in ordering["given"]) and "correct" not in ordering
