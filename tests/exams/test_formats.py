"""GIFT and Moodle XML: parsing, rejections with reasons, safe XML, round trips."""
from decimal import Decimal

import pytest

from exams import grading
from exams.formats import from_key, gift, moodlexml, to_key

GIFT = r"""
// A comment
$CATEGORY: $course$/top/Son live

::FOH::Comment appelle-t-on la régie façade ? {=FOH =front of house#Bravo}

::SM58::Le SM58 est un micro dynamique. {T}

::Retours::À quoi sert la console retours ? {
  =Aux mixages des musiciens#Oui
  ~Au mix public#Non
  ~%50%Aux deux, en partie
}

::Multi::Formats sans perte ? {
  ~%50%WAV
  ~%50%FLAC
  ~%-100%MP3
####Le MP3 est avec perte.
}

::Délai::Délai pour 34 m (ms) ? {#99:2}

::Plage::Une valeur entre 1 et 5 {#1..5}

::Match::Associez. {
  =SM58 -> Voix
  =D112 -> Grosse caisse
  =KM184 -> Overheads
}

::Échappement::Le ratio 4\:1 et le signe \= sont échappés {=ok\~vrai ~faux}

Le son se propage à {#343:1} m/s dans l'air.
"""

BAD_GIFT = r"""
::Essay::Racontez votre meilleur concert. {}

::Broken::Question sans fin {=a ~b

::Nowrong::Aucune bonne réponse {~a ~b}

::Weird::Syntaxe inconnue {blah =a}

Une simple description sans réponse.

::Badnum::Nombre ? {#abc}

::OK::Vrai ? {F}
"""


def test_gift_parses_every_type():
    result = gift.parse(GIFT)
    assert result.rejected == []
    by_name = {q.name: q for q in result.questions}
    assert by_name["FOH"].qtype == grading.SHORT and [a.text for a in by_name["FOH"].answers] == ["FOH", "front of house"]
    assert by_name["FOH"].answers[1].feedback == "Bravo"
    assert by_name["FOH"].category == "Son live"
    assert by_name["SM58"].qtype == grading.TRUEFALSE and by_name["SM58"].truth is True
    r = by_name["Retours"]
    assert r.qtype == grading.SINGLE and [a.fraction for a in r.answers] == [100, 0, 50]
    m = by_name["Multi"]
    assert m.qtype == grading.MULTIPLE and m.feedback == "Le MP3 est avec perte."
    assert by_name["Délai"].answers[0].text == "99" and by_name["Délai"].answers[0].tolerance == 2
    assert by_name["Plage"].answers[0].text == "3" and by_name["Plage"].answers[0].tolerance == 2
    assert by_name["Match"].pairs[1] == ("D112", "Grosse caisse")
    esc = by_name["Échappement"]
    assert "4:1" in esc.text and "=" in esc.text and esc.answers[0].text == "ok~vrai"
    missing_word = [q for q in result.questions if not q.name][0]
    assert missing_word.text == "Le son se propage à _____ m/s dans l'air."
    assert len(result.questions) == 9


def test_gift_rejects_with_line_and_reason():
    result = gift.parse(BAD_GIFT)
    reasons = {r.source.split("::")[1] if "::" in r.source else r.source[:10]: r.reason for r in result.rejected}
    assert "essay" in reasons["Essay"]
    assert "closing brace" in reasons["Broken"]
    assert "right" in reasons["Nowrong"]
    assert "unknown answer syntax" in reasons["Weird"]
    assert "no answer block" in reasons["Une simple"]
    assert "not a number" in reasons["Badnum"]
    assert [q.name for q in result.questions] == ["OK"]
    assert all(r.line > 0 for r in result.rejected)
    assert result.rejected[0].line == 2


def _strip_lines(questions):
    return [q.comparable() for q in questions]


def test_gift_round_trip():
    first = gift.parse(GIFT)
    text, skipped = gift.export(first.questions)
    assert skipped == []
    second = gift.parse(text)
    assert second.rejected == []
    assert _strip_lines(second.questions) == _strip_lines(first.questions)


XML = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/Studio</text></category></question>
  <question type="multichoice">
    <name><text>Fs</text></name>
    <questiontext format="html"><text>Fréquence pour l'image ?</text></questiontext>
    <generalfeedback><text>48 kHz</text></generalfeedback>
    <defaultgrade>2</defaultgrade>
    <single>true</single>
    <answer fraction="100"><text>48 kHz</text><feedback><text>Oui</text></feedback></answer>
    <answer fraction="0"><text>44,1 kHz</text></answer>
  </question>
  <question type="multichoice">
    <name><text>Lossless</text></name>
    <questiontext><text>Sans perte ?</text></questiontext>
    <single>false</single>
    <answer fraction="50"><text>WAV</text></answer>
    <answer fraction="50"><text>FLAC</text></answer>
    <answer fraction="-100"><text>MP3</text></answer>
  </question>
  <question type="truefalse"><name><text>TF</text></name><questiontext><text>Vrai ?</text></questiontext>
    <answer fraction="0"><text>true</text></answer><answer fraction="100"><text>false</text></answer></question>
  <question type="numerical"><name><text>Bits</text></name><questiontext><text>24 bits ?</text></questiontext>
    <answer fraction="100"><text>144</text><tolerance>1</tolerance></answer></question>
  <question type="shortanswer"><name><text>SMPTE</text></name><questiontext><text>Code ?</text></questiontext>
    <answer fraction="100"><text>timecode</text></answer><answer fraction="50"><text>SMPTE</text></answer></question>
  <question type="matching"><name><text>Éditeurs</text></name><questiontext><text>Associez</text></questiontext>
    <subquestion><text>Pro Tools</text><answer><text>Avid</text></answer></subquestion>
    <subquestion><text>Logic</text><answer><text>Apple</text></answer></subquestion></question>
  <question type="ordering"><name><text>Prod</text></name><questiontext><text>Ordre</text></questiontext>
    <answer fraction="2"><text>Mixage</text></answer><answer fraction="1"><text>Prise</text></answer>
    <answer fraction="3"><text>Mastering</text></answer></question>
  <question type="essay"><name><text>Essay</text></name><questiontext><text>Racontez</text></questiontext></question>
</quiz>
"""


def test_moodle_xml_parses_and_rejects_unknown_types():
    result = moodlexml.parse(XML)
    assert [r.reason for r in result.rejected] == ["unsupported question type 'essay'"]
    by = {q.name: q for q in result.questions}
    assert by["Fs"].qtype == grading.SINGLE and by["Fs"].points == 2 and by["Fs"].category == "Studio"
    assert by["Fs"].answers[0].feedback == "Oui"
    assert by["Lossless"].qtype == grading.MULTIPLE
    assert by["TF"].truth is False
    assert by["Bits"].answers[0].tolerance == 1
    assert by["SMPTE"].answers[1].fraction == 50
    assert by["Éditeurs"].pairs == [("Pro Tools", "Avid"), ("Logic", "Apple")]
    assert by["Prod"].items == ["Prise", "Mixage", "Mastering"]


def test_moodle_xml_round_trip():
    first = moodlexml.parse(XML)
    second = moodlexml.parse(moodlexml.export(first.questions))
    assert second.rejected == []
    assert _strip_lines(second.questions) == _strip_lines(first.questions)


def test_cross_format_round_trip_gift_to_xml():
    first = gift.parse(GIFT).questions
    again = moodlexml.parse(moodlexml.export(first)).questions
    assert _strip_lines(again) == _strip_lines(first)


def test_ordering_has_no_gift_form():
    ordering = moodlexml.parse(XML).questions[-1]
    text, skipped = gift.export([ordering])
    assert text == "" and "no GIFT form" in skipped[0]


@pytest.mark.parametrize("payload", [
    """<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY x "boom">]><quiz><question type="truefalse"><name><text>&x;</text></name></question></quiz>""",
    """<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><quiz>&xxe;</quiz>""",
    """<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><quiz>&lol2;</quiz>""",
    "<quiz><question",
    "<notquiz/>",
])
def test_moodle_xml_refuses_unsafe_or_broken(payload):
    result = moodlexml.parse(payload)
    assert result.questions == [] and len(result.rejected) == 1


def test_key_mapping_round_trip():
    for q in gift.parse(GIFT).questions + moodlexml.parse(XML).questions:
        key = to_key(q, "fr")
        grading.validate_key(q.qtype, key)
        back = from_key(q.qtype, key, text=q.text, name=q.name, points=q.points, feedback=q.feedback,
                        category=q.category, lang="fr")
        assert back.comparable() == q.comparable()


def test_gift_points_default_to_one():
    assert gift.parse("Q {T}").questions[0].points == Decimal(1)
