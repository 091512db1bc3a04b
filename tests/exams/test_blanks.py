"""A position or a pair left blank stays blank: through the no-JS form, the JSON API, grading and review.

Ordering: one entry per position, null (or "" from a form) where nothing was put; the other items keep
their positions, so only the blank position is wrong. Matching: a left item with no choice earns nothing
and moves nothing."""
import json
import re
from decimal import Decimal
from fractions import Fraction

import pytest
from django.urls import reverse

from exams import grading as g
from exams import services
from exams.models import AttemptQuestion
from tests.confirming import post_confirmed
from tests.exams import helpers as h

KEY = h.KEYS["ordering"]  # i1 Line check, i2 Gains, i3 Retours


# --- Pure grading -------------------------------------------------------------------------------

def test_blank_position_keeps_the_others_in_place():
    assert g.validate_response(g.ORDERING, KEY, {"order": ["i1", None, "i3"]}) == {"order": ["i1", None, "i3"]}
    assert g.validate_response(g.ORDERING, KEY, {"order": ["i1", "", "i3"]}) == {"order": ["i1", None, "i3"]}
    assert g.grade(g.ORDERING, KEY, {"order": ["i1", None, "i3"]}) == Fraction(2, 3)
    assert g.grade(g.ORDERING, KEY, {"order": [None, "i2", "i3"]}) == Fraction(2, 3)
    assert g.grade(g.ORDERING, KEY, {"order": ["", "", "i3"]}) == Fraction(1, 3)
    assert g.award(g.ORDERING, KEY, {"order": ["i1", None, "i3"]}, Decimal("3")) == Decimal("2.0000")


def test_all_blank_or_empty_is_no_answer():
    assert g.validate_response(g.ORDERING, KEY, {"order": [None, "", None]}) == {}
    assert g.validate_response(g.ORDERING, KEY, {"order": []}) == {}
    assert g.grade(g.ORDERING, KEY, {"order": [None, None, None]}) == 0


@pytest.mark.parametrize("order, reason", [
    (["i1", "i2"], "one entry per position (3)"),
    (["i1", "i2", "i3", None], "one entry per position (3)"),
    (["i1", "i9", None], "unknown ordering item"),
    (["i1", None, "i1"], "at most once"),
    ("i1,i2,i3", "must be a list"),
])
def test_malformed_ordering_refused(order, reason):
    with pytest.raises(g.GradingError, match=re.escape(reason)):
        g.validate_response(g.ORDERING, KEY, {"order": order})


def test_a_stored_shorter_answer_is_still_graded():
    """Answers saved before blanks were kept (a shorter list) are read as leading positions, not refused."""
    assert g.grade(g.ORDERING, KEY, {"order": ["i1"]}) == Fraction(1, 3)
    assert g.grade(g.ORDERING, KEY, {"order": ["i1", "i2"]}) == Fraction(2, 3)


def test_matching_left_item_without_choice_earns_nothing_only_there():
    key = h.KEYS["matching"]
    assert g.validate_response(g.MATCHING, key, {"pairs": {"p1": "p1", "p2": None, "p3": "p3"}}) == {
        "pairs": {"p1": "p1", "p3": "p3"}}
    assert g.grade(g.MATCHING, key, {"pairs": {"p1": "p1", "p2": "", "p3": "p3"}}) == Fraction(2, 3)


# --- Through the pages and the API -------------------------------------------------------------

@pytest.fixture
def setup(db):
    cert = h.make_certification(types=("matching", "ordering"), practical=False, review="full")
    student = h.registered_student(cert)
    attempt = services.start_attempt(cert.exam, student)
    aqs = {aq.version.qtype: aq for aq in AttemptQuestion.objects.filter(attempt=attempt).select_related("version")}
    return attempt, student, aqs


def _given(html, aq):
    start = html.index(f'id="given-{aq.pk}"')
    block = html[start:html.index("</div>", start)]
    return [" ".join(re.sub(r"<[^>]+>", " ", i).split()) for i in re.findall(r"<li>(.*?)</li>", block, re.S)]


def _awarded(aqs):
    return {t: AttemptQuestion.objects.get(pk=aq.pk).awarded for t, aq in aqs.items()}


def test_no_js_form_keeps_a_blank_position_and_a_blank_pair(client, setup):
    attempt, student, aqs = setup
    o, m = aqs["ordering"].pk, aqs["matching"].pk
    item, left, right = _ids(aqs)  # the form names the options by the attempt's opaque ids
    client.force_login(student)
    form = {f"q-{o}-1": item("i1"), f"q-{o}-2": "", f"q-{o}-3": item("i3"),  # position 2 left blank
            f"q-{m}-{left('p1')}": right("p1"), f"q-{m}-{left('p2')}": "",  # D112 left without a choice
            f"q-{m}-{left('p3')}": right("p3")}
    resp = client.post(reverse("exams:take", kwargs={"attempt_id": attempt.pk}), {**form, "save": "1"})
    assert resp.status_code == 302
    assert AttemptQuestion.objects.get(pk=o).response == {"order": ["i1", None, "i3"]}
    assert AttemptQuestion.objects.get(pk=m).response == {"pairs": {"p1": "p1", "p3": "p3"}}
    # The form shown again keeps Retours at position 3 and position 2 empty.
    page = client.get(reverse("exams:take", kwargs={"attempt_id": attempt.pk})).content.decode()
    sel3 = page[page.index(f'id="q-{o}-3"'):page.index("</select>", page.index(f'id="q-{o}-3"'))]
    sel2 = page[page.index(f'id="q-{o}-2"'):page.index("</select>", page.index(f'id="q-{o}-2"'))]
    assert f'value="{item("i3")}" selected' in sel3 and "selected" not in sel2
    resp = post_confirmed(client, reverse("exams:take", kwargs={"attempt_id": attempt.pk}), {**form, "submit": "1"})
    assert resp.status_code == 302
    # 2 of 3 positions right, 2 of 3 pairs right (1 point each).
    assert _awarded(aqs) == {"ordering": Decimal("0.6667"), "matching": Decimal("0.6667")}
    html = client.get(reverse("exams:result", kwargs={"attempt_id": attempt.pk})).content.decode()
    assert _given(html, aqs["ordering"]) == ["Position 1: Line check ✓ right", "Position 2: no item ✗ wrong",
                                             "Position 3: Retours ✓ right"]
    assert "D112 → no answer ✗ wrong" in _given(html, aqs["matching"])


def _ids(aqs):
    """Bank id -> the attempt's opaque id, for the ordering items and both matching columns."""
    return (lambda i: h.tok(aqs["ordering"], "item", i), lambda p: h.tok(aqs["matching"], "left", p),
            lambda p: h.tok(aqs["matching"], "right", p))


def put(client, headers, attempt, aq, response):
    return client.put(f"/api/v1/exams/attempts/{attempt.pk}/answers/{aq.pk}", data=json.dumps({"response": response}),
                      content_type="application/json", HTTP_ACCEPT_LANGUAGE="en", **headers)


def test_api_null_is_a_blank_position(client, api_token, setup):
    attempt, student, aqs = setup
    headers = api_token(student)
    ordering, matching = aqs["ordering"], aqs["matching"]
    item, left, right = _ids(aqs)
    i1, i2, i3 = item("i1"), item("i2"), item("i3")
    for bad, reason in [([i1, i1, None], "at most once"), ([i1, "zzz", None], "unknown ordering item"),
                        ([i1, "i2", None], "unknown ordering item"),  # the bank's id is not an option here
                        ([i1, i3], "one entry per position (3)"), ({"1": i1}, "must be a list")]:
        r = put(client, headers, attempt, ordering, {"order": bad})
        assert r.status_code == 422 and reason in r.json()["detail"], (bad, r.content)
    assert AttemptQuestion.objects.get(pk=ordering.pk).response is None
    assert put(client, headers, attempt, ordering, {"order": [None, i2, i3]}).status_code == 200
    pairs = {left("p1"): None, left("p2"): right("p2"), left("p3"): right("p3")}
    assert put(client, headers, attempt, matching, {"pairs": pairs}).status_code == 200
    got = client.get(f"/api/v1/exams/attempts/{attempt.pk}", **headers).json()
    assert next(q for q in got["questions"] if q["type"] == "ordering")["response"] == {"order": [None, i2, i3]}
    assert client.post(f"/api/v1/exams/attempts/{attempt.pk}/submit", **headers).status_code == 200
    assert _awarded(aqs) == {"ordering": Decimal("0.6667"), "matching": Decimal("0.6667")}
    res = client.get(f"/api/v1/exams/attempts/{attempt.pk}/result", **headers).json()
    given = next(q for q in res["questions"] if q["type"] == "ordering")["given"]
    assert [(r["position"], r["chosen"], r["ok"]) for r in given] == [
        (1, None, False), (2, "Gains", True), (3, "Retours", True)]
