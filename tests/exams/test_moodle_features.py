"""A teacher's Moodle bank comes in whole (issue 15, item 13): every documented GIFT feature of the
question types the platform has, the same features in Moodle XML, and what is refused says why."""
import random
import re
from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace

import pytest

from exams import grading, options
from exams.formats import from_key, gift, moodlexml, to_key

# Every feature of Moodle's GIFT documentation for single, multiple, true/false, numeric, short answer
# and matching (ordering has no GIFT form), plus the blocks Moodle accepts and we refuse.
GIFT_ALL = r"""// A comment line is ignored.
$CATEGORY: $course$/top/Moodle

::Single:: [html]Quelle <b>couleur</b> ? {
  =[plain]bleu#[markdown]Oui !
  ~[moodle]rouge#Non.
  ~%50%violet#Presque.
  ####[plain]Le ciel est bleu.
}

::Multiple:: Quelles sont des fréquences ? {
  ~%50%Hertz
  ~%50%kHz#[html]Oui
  ~%-100%Décibel#Non
}

::Vrai:: 1 kHz = 1 000 Hz. {T#Bien.#Mal.}

::Faux:: Le son va plus vite que la lumière. {FALSE}

::NumTol:: Combien ? {#3:2 ~#Completely wrong}

::NumRange:: Une valeur entre 1 et 5 ? {#1..5}

::NumMulti:: Pi ? {#
  =3.1416:0.0001#Exact
  =%50%3.14:0.01#Presque
  ~#Pas du tout
}

::Short:: Le sigle de l'interface numérique des instruments ? {
  =MIDI#Oui
  =%50%midi 1.0
  =%0%*#Tout le reste est faux.
}

::Blank:: La console {=mixe ~coupe} le son.

::Matching:: Associez. {
  =Chien -> Aboie
  =[plain]Vache -> [html]Meugle
  =Canard -> Cancane
  = -> Miaule
  = -> Hennit
}

::Escapes:: 2 \= 2\: vrai \{ou pas\}\~ ? {=oui\#vraiment ~non}

::Essay:: Décrivez votre console. {}

::Description:: Une simple description, sans bloc de réponses.

::Numeric bad wrong:: Combien ? {#3:2 ~4}

::Matching no right:: Associez. {=a -> b =c -> d =e -> }
"""


def _by_name(result):
    return {q.name: q for q in result.questions}


def test_gift_every_documented_feature():
    result = gift.parse(GIFT_ALL)
    q = _by_name(result)
    assert set(q) == {"Single", "Multiple", "Vrai", "Faux", "NumTol", "NumRange", "NumMulti", "Short", "Blank",
                      "Matching", "Escapes"}
    assert all(x.category == "Moodle" for x in q.values())
    # Format markers are dropped wherever they stand.
    s = q["Single"]
    assert s.qtype == grading.SINGLE and s.text == "Quelle <b>couleur</b> ?" and s.feedback == "Le ciel est bleu."
    assert [(a.text, a.fraction, a.feedback) for a in s.answers] == [
        ("bleu", 100, "Oui !"), ("rouge", 0, "Non."), ("violet", 50, "Presque.")]
    assert q["Multiple"].qtype == grading.MULTIPLE and q["Multiple"].answers[1].feedback == "Oui"
    assert q["Vrai"].truth is True and q["Faux"].truth is False
    # Numeric with feedback for any other answer: kept as a 0 % catch-all.
    tol = q["NumTol"]
    assert [(a.text, a.tolerance, a.fraction, a.feedback) for a in tol.answers] == [
        ("3", 2, 100, ""), ("*", 0, 0, "Completely wrong")]
    assert [(a.text, a.tolerance) for a in q["NumRange"].answers] == [("3", 2)]
    assert [(a.text, a.fraction, a.feedback) for a in q["NumMulti"].answers] == [
        ("3.1416", 100, "Exact"), ("3.14", 50, "Presque"), ("*", 0, "Pas du tout")]
    # Short answer with the wildcard for anything else.
    short = q["Short"]
    assert short.qtype == grading.SHORT
    assert [(a.text, a.fraction, a.feedback) for a in short.answers] == [
        ("MIDI", 100, "Oui"), ("midi 1.0", 50, ""), ("*", 0, "Tout le reste est faux.")]
    assert q["Blank"].text == "La console _____ le son."
    m = q["Matching"]
    assert m.pairs == [("Chien", "Aboie"), ("Vache", "Meugle"), ("Canard", "Cancane")]
    assert m.distractors == ["Miaule", "Hennit"]
    assert q["Escapes"].text == "2 = 2: vrai {ou pas}~ ?" and q["Escapes"].answers[0].text == "oui#vraiment"
    # What is refused says why, on its line.
    reasons = {r.source.split("::")[1]: r.reason for r in result.rejected}
    assert set(reasons) == {"Essay", "Description", "Numeric bad wrong", "Matching no right"}
    assert "essay" in reasons["Essay"] and "descriptions" in reasons["Description"]
    assert "'~' takes only the feedback" in reasons["Numeric bad wrong"]
    assert "right-hand side" in reasons["Matching no right"]
    assert all(r.line > 0 for r in result.rejected)


def test_gift_moodle_features_round_trip_through_both_formats():
    parsed = [q for q in gift.parse(GIFT_ALL).questions]
    text, skipped = gift.export(parsed)
    assert not skipped
    again = gift.parse(text)
    assert not again.rejected
    strip = lambda qs: [q.comparable() for q in qs]  # noqa: E731
    assert strip(again.questions) == strip(parsed)
    via_xml = moodlexml.parse(moodlexml.export(parsed))
    assert not via_xml.rejected and strip(via_xml.questions) == strip(parsed)
    for pq in parsed:  # and through the stored key
        back = from_key(pq.qtype, to_key(pq), text=pq.text, name=pq.name, points=pq.points, feedback=pq.feedback,
                        category=pq.category)
        assert back.comparable() == pq.comparable()


XML_ALL = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="matching"><name><text>M</text></name><questiontext format="html"><text>Associez</text></questiontext>
    <subquestion format="html"><text>Chien</text><answer><text>Aboie</text></answer></subquestion>
    <subquestion format="html"><text>Vache</text><answer><text>Meugle</text></answer></subquestion>
    <subquestion format="html"><text></text><answer><text>Miaule</text></answer></subquestion>
  </question>
  <question type="numerical"><name><text>N</text></name><questiontext><text>Combien ?</text></questiontext>
    <answer fraction="100"><text>3</text><tolerance>2</tolerance><feedback><text>Oui</text></feedback></answer>
    <answer fraction="0"><text>*</text><feedback><text>Completely wrong</text></feedback></answer>
  </question>
  <question type="shortanswer"><name><text>S</text></name><questiontext><text>Sigle ?</text></questiontext>
    <answer fraction="100"><text>MIDI</text></answer>
    <answer fraction="0"><text>*</text><feedback><text>Non</text></feedback></answer>
  </question>
  <question type="shortanswer"><name><text>Only wildcard</text></name><questiontext><text>?</text></questiontext>
    <answer fraction="100"><text>*</text></answer>
  </question>
  <question type="essay"><name><text>E</text></name><questiontext><text>Décrivez</text></questiontext></question>
</quiz>"""


def test_moodle_xml_has_the_same_features():
    result = moodlexml.parse(XML_ALL)
    q = _by_name(result)
    assert q["M"].pairs == [("Chien", "Aboie"), ("Vache", "Meugle")] and q["M"].distractors == ["Miaule"]
    assert [(a.text, a.fraction, a.feedback) for a in q["N"].answers] == [("3", 100, "Oui"),
                                                                          ("*", 0, "Completely wrong")]
    assert [(a.text, a.fraction, a.feedback) for a in q["S"].answers] == [("MIDI", 100, ""), ("*", 0, "Non")]
    reasons = {r.source: r.reason for r in result.rejected}
    assert "other than “*”" in reasons["[shortanswer] Only wildcard"]
    assert "unsupported question type 'essay'" in reasons["[essay] E"]


# --- Grading of what was imported ---------------------------------------------------------------

def _key(name):
    return to_key(_by_name(gift.parse(GIFT_ALL))[name])


def test_wildcards_grade_as_catch_alls_and_keep_their_feedback():
    num = _key("NumTol")
    assert grading.grade(grading.NUMERIC, num, {"value": "4.5"}) == 1
    assert grading.grade(grading.NUMERIC, num, {"value": "-40"}) == 0
    assert num["answers"][1] == {"value": "*", "tolerance": "0", "fraction": "0", "feedback_fr": "Completely wrong"}
    short = _key("Short")
    assert grading.grade(grading.SHORT, short, {"text": "midi"}) == 1
    assert grading.grade(grading.SHORT, short, {"text": "Midi 1.0"}) == Fraction(1, 2)
    assert grading.grade(grading.SHORT, short, {"text": "OSC"}) == 0
    assert short["answers"][2]["feedback_fr"] == "Tout le reste est faux."
    # A catch-all with credit gives that credit to anything but a blank answer.
    generous = {"answers": [{"text": "MIDI", "fraction": "100"}, {"text": "*", "fraction": "25"}]}
    assert grading.grade(grading.SHORT, generous, {"text": "OSC"}) == Fraction(1, 4)
    assert grading.grade(grading.SHORT, generous, {"text": "  "}) == 0


def test_distractors_can_be_chosen_and_are_never_right():
    key = _key("Matching")
    assert [d["id"] for d in key["distractors"]] == ["d1", "d2"]
    right = grading.right_response(grading.MATCHING, key)
    assert grading.grade(grading.MATCHING, key, right) == 1
    fooled = {"pairs": {**right["pairs"], "p1": "d1"}}
    assert grading.validate_response(grading.MATCHING, key, fooled) == fooled
    assert grading.grade(grading.MATCHING, key, fooled) == Fraction(2, 3)
    with pytest.raises(grading.GradingError):  # a distractor is a right-hand option only
        grading.validate_response(grading.MATCHING, key, {"pairs": {"d1": "p1"}})
    clash = {**key, "distractors": [{"id": "p1", "right_fr": "Miaule"}]}
    with pytest.raises(grading.GradingError, match="distinct ids"):
        grading.validate_key(grading.MATCHING, clash)


def test_distractors_get_opaque_tokens_like_the_real_answers():
    """A student cannot tell a distractor from a real answer by its id: every right-hand option gets a
    token of the same shape, the distractors are shuffled among the others, and a token maps back."""
    key = _key("Matching")
    positions = {"d1": [], "p1": []}
    for seed in range(200):
        order = options.shuffle(grading.MATCHING, key, random.Random(seed))
        assert sorted(order["right"]) == ["d1", "d2", "p1", "p2", "p3"] and sorted(order["left"]) == ["p1", "p2", "p3"]
        for b in positions:
            positions[b].append(order["right"].index(b))
        aq = SimpleNamespace(pk=10 + seed, option_order=order, attempt=SimpleNamespace(seed=seed * 7919, pk=seed + 1),
                             version=SimpleNamespace(qtype=grading.MATCHING, key=key))
        m = options.OptionMap(aq)
        shown = m.shown()
        tokens = [t for t, _b in shown["options"]]
        assert len(tokens) == 5 and all(re.fullmatch(r"[0-9a-f]{16}", t) for t in tokens)
        assert not {t for t, _b in shown["left"]} & set(tokens)
        d1 = m.out(options.RIGHT, "d1")
        left = m.out(options.LEFT, "p1")
        assert m.from_client({"pairs": {left: d1}}) == {"pairs": {"p1": "d1"}}
        with pytest.raises(grading.GradingError):
            m.from_client({"pairs": {left: "d1"}})  # the bank id itself is refused
    # Shuffled among the others: a distractor is not always last, nor a real answer always first.
    assert len(set(positions["d1"])) == 5 and len(set(positions["p1"])) == 5
    mean = sum(positions["d1"]) / len(positions["d1"])
    assert Decimal(str(mean)).quantize(Decimal("1")) == 2  # centred: 0..4, mean ≈ 2


# --- Over HTTP and in an attempt ----------------------------------------------------------------

@pytest.mark.django_db
def test_the_preview_says_what_is_refused_and_why_in_french(client):
    from django.urls import reverse
    from django.utils import translation

    from exams.models import QuestionCategory
    from partnerships.models import SchoolMember
    from tests.exams import helpers as h
    from tests.factories import make_user

    school = h.entitled_school("Moodle school")
    teacher = make_user("teacher")
    SchoolMember.objects.create(school=school, user=teacher, role="teacher")
    cat = QuestionCategory.objects.create(name="Mine", school=school)
    client.force_login(teacher)
    with translation.override("fr"):
        url = reverse("exams:import")
    resp = client.post(url, {"fmt": "gift", "category": cat.pk, "language": "fr", "source": GIFT_ALL,
                             "preview": "1"})
    assert resp.status_code == 422
    html = resp.content.decode()
    table = html.split('id="rejected"')[1].split("</table>")[0]
    assert table.count("<tr>") == 5  # head + the 4 refused blocks
    assert "ne prend que le commentaire pour toute autre réponse" in table
    assert "doit avoir un côté droit" in table
    assert "11 questions lues" in html.split('id="parsed"')[1]


@pytest.mark.django_db
def test_an_attempt_shows_the_distractors_among_the_answers_and_grades_them_wrong():
    from exams import selectors, services
    from exams.models import Attempt, AttemptQuestion, Exam, ExamFixedQuestion, Question, QuestionCategory
    from tests.factories import make_user

    pq = _by_name(gift.parse(GIFT_ALL))["Matching"]
    cat = QuestionCategory.objects.create(name="Moodle")
    q = Question.objects.create(category=cat, qtype=pq.qtype, text_fr=pq.text, key=to_key(pq))
    exam = Exam.objects.create(title_fr="Appariement", slug="appariement", theory_weight=100, practical_weight=0,
                               max_attempts=3, time_limit_minutes=30)
    ExamFixedQuestion.objects.create(exam=exam, question=q, position=0)
    student = make_user("student")
    attempt = services.start_attempt(exam, student)
    aq = AttemptQuestion.objects.select_related("attempt", "version").get(attempt=attempt)
    payload = selectors.question_payload(aq, "fr")
    assert sorted(o["text"] for o in payload["options"]) == ["Aboie", "Cancane", "Hennit", "Meugle", "Miaule"]
    # no bank id in what the candidate receives: every id is an opaque token (a substring test would flake, since a
    # random hex token may contain "d1")
    ids = [o["id"] for o in payload["options"]] + [x["id"] for x in payload["left"]]
    assert all(re.fullmatch(r"[0-9a-f]{16}", i) for i in ids), ids
    assert not set(ids) & {"d1", "d2", "p1", "p2", "p3"}
    by_text = {o["text"]: o["id"] for o in payload["options"]}
    left = {x["text"]: x["id"] for x in payload["left"]}
    answer = {left["Chien"]: by_text["Aboie"], left["Vache"]: by_text["Miaule"], left["Canard"]: by_text["Cancane"]}
    services.save_answer(attempt.pk, student, aq.pk, {"pairs": answer})
    attempt = services.submit_attempt(Attempt.objects.get(pk=attempt.pk))
    aq.refresh_from_db()
    assert aq.response == {"pairs": {"p1": "p1", "p2": "d1", "p3": "p3"}}
    assert aq.awarded == Decimal("0.6667")
