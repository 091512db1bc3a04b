"""GIFT export of a numeric question whose tolerance is 0 (issue 10, Low): it answered 500
(AttributeError: the tolerance `Decimal(0) or 0` became the int 0, which has no `normalize`)."""
from decimal import Decimal

import pytest
from django.urls import reverse

from exams.formats import from_key, gift, moodlexml
from exams.models import Question, QuestionCategory
from partnerships.models import SchoolMember
from tests.exams import helpers as h
from tests.factories import make_user

EXACT = {"answers": [{"value": "48", "tolerance": "0", "fraction": "100"},
                     {"value": "24", "tolerance": "0.0", "fraction": "50"}]}


def test_gift_export_of_a_zero_tolerance_writes_zero_and_round_trips():
    pq = from_key("numeric", EXACT, text="Tension du fantôme (V) ?", name="Fantôme")
    text, skipped = gift.export([pq])
    assert skipped == []
    assert "{#=48:0 =%50%24:0}" in text
    back = gift.parse(text)
    assert back.rejected == []
    assert [(a.text, a.fraction, a.tolerance) for a in back.questions[0].answers] == [
        ("48", Decimal(100), Decimal(0)), ("24", Decimal(50), Decimal(0))]


def test_zero_tolerance_also_exports_to_moodle_xml():
    pq = from_key("numeric", EXACT, text="Tension du fantôme (V) ?", name="Fantôme")
    back = moodlexml.parse(moodlexml.export([pq]))
    assert [a.tolerance for a in back.questions[0].answers] == [Decimal(0), Decimal(0)]


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["gift", "xml"])
def test_export_page_answers_200_for_a_zero_tolerance(client, fmt):
    school = h.entitled_school("Export school")
    teacher = make_user("teacher")
    SchoolMember.objects.create(school=school, user=teacher, role="teacher")
    cat = QuestionCategory.objects.create(name="Exact", school=school)
    q = Question(category=cat, qtype="numeric", text_fr="Tension du fantôme (V) ?", key=EXACT, points=Decimal(1))
    q.full_clean()
    q.save()
    client.force_login(teacher)
    resp = client.get(reverse("exams:export", kwargs={"category_id": cat.pk, "fmt": fmt}))
    assert resp.status_code == 200
    body = resp.content.decode()
    parsed = gift.parse(body) if fmt == "gift" else moodlexml.parse(body)
    assert parsed.rejected == []
    assert parsed.questions[0].answers[0].tolerance == Decimal(0)
