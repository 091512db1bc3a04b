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


# --- Category lines ------------------------------------------------------------------------------

@pytest.mark.parametrize("path, name", [
    ("$course$/top/Live sound/Mixing", "Live sound / Mixing"),
    ("$system$/top/Acoustique", "Acoustique"),
    ("$module$/top/A", "A"),
    ("$cat1$/top/A", "A"),
    ("top/Studio", "Studio"),
    ("Studio", "Studio"),
    ("  Live  sound / Mixing  ", "Live sound / Mixing"),
    ("$course$/top/AC//DC", "AC/DC"),  # a doubled slash is a slash inside a name
    ("$course$/top", ""),  # the top: back to the category chosen on the form
    ("top", ""),
    ("$course$", ""),
])
def test_category_name_from_moodle_path(path, name):
    from exams.formats import category_name

    assert category_name(path) == name


@pytest.mark.parametrize("path, reason", [
    ("", "empty category path"),
    ("   ", "empty category path"),
    ("$course$/top/Live sound/", "empty category name"),
    ("a/ /b", "empty category name"),
])
def test_category_name_refuses_empty_paths(path, reason):
    from exams.formats import FormatError, category_name

    with pytest.raises(FormatError, match=reason):
        category_name(path)


@pytest.mark.parametrize("name", ["Live sound / Mixing", "AC/DC", "A/ / B", "Son live", "Prise / Micros / Dynamiques"])
def test_category_path_is_the_inverse_of_category_name(name):
    from exams.formats import category_name, category_path

    assert category_name(category_path(name)) == name


GIFT_CATEGORIES = """
Avant toute catégorie {T}

$CATEGORY: $course$/top/Live sound/Mixing

::Mix1::Un bus de sortie ? {T}

// switching again
$CATEGORY: $course$/top/Acoustique

::Ac1::RT60 ? {=réverbération}

$CATEGORY: $course$/top

::Top1::Retour au haut ? {F}
"""


def test_gift_category_lines_set_the_category_of_the_following_questions():
    result = gift.parse(GIFT_CATEGORIES)
    assert result.rejected == []
    got = [(q.text.split(" ")[0], q.category, q.category_line) for q in result.questions]
    assert got == [("Avant", "", 0), ("Un", "Live sound / Mixing", 4), ("RT60", "Acoustique", 9),
                   ("Retour", "", 13)]


def test_gift_bad_category_lines_are_rejected_on_their_line():
    text = "$CATEGORY:\n\n::A::a {T}\n\n$CATEGORY: $course$/top/Son//Lumière/\n\n::B::b {T}\n"
    result = gift.parse(text)
    assert [(r.line, r.reason) for r in result.rejected] == [
        (1, "empty category path"), (5, "empty category name in the path")]
    # The questions still parse, attached to the refused line (the import refuses them all).
    assert [(q.name, q.category_line) for q in result.questions] == [("A", 1), ("B", 5)]


def test_gift_export_writes_category_lines_and_round_trips_several_categories():
    questions = gift.parse(GIFT_CATEGORIES).questions
    questions.append(gift.parse("::Slash::AC/DC ? {T}").questions[0])
    questions[-1].category = "AC/DC / Riffs"
    text, skipped = gift.export(questions)
    assert skipped == []
    assert "$CATEGORY: $course$/top/Live sound/Mixing\n" in text
    assert "$CATEGORY: $course$/top/Acoustique\n" in text
    assert "$CATEGORY: $course$/top\n" in text  # back to no category before "Retour au haut"
    assert "$CATEGORY: $course$/top/AC//DC/Riffs\n" in text
    again = gift.parse(text)
    assert again.rejected == []
    assert [q.comparable() for q in again.questions] == [q.comparable() for q in questions]


XML_CATEGORIES = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="truefalse"><name><text>First</text></name><questiontext><text>Avant ?</text></questiontext>
    <answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer></question>
  <question type="category"><category><text>$course$/top/Live sound/Mixing</text></category></question>
  <question type="truefalse"><name><text>Mix</text></name><questiontext><text>Bus ?</text></questiontext>
    <answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer></question>
  <question type="category"><category>$course$/top/Ancien format</category></question>
  <question type="truefalse"><name><text>Old</text></name><questiontext><text>1.9 ?</text></questiontext>
    <answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer></question>
</quiz>
"""


def test_moodle_xml_category_questions_set_the_category():
    result = moodlexml.parse(XML_CATEGORIES)
    assert result.rejected == []
    assert [(q.name, q.category, q.category_line) for q in result.questions] == [
        ("First", "", 0), ("Mix", "Live sound / Mixing", 2), ("Old", "Ancien format", 4)]


def test_moodle_xml_empty_category_is_rejected_at_its_index():
    source = XML_CATEGORIES.replace("$course$/top/Live sound/Mixing", "  ")
    result = moodlexml.parse(source)
    assert [(r.line, r.reason) for r in result.rejected] == [(2, "empty category path")]
    assert [q.category_line for q in result.questions] == [0, 2, 4]


def test_moodle_xml_export_round_trips_several_categories():
    questions = moodlexml.parse(XML_CATEGORIES).questions
    xml = moodlexml.export(questions)
    assert "<text>$course$/top/Live sound/Mixing</text>" in xml and "<text>$course$/top</text>" in xml
    again = moodlexml.parse(xml)
    assert again.rejected == []
    assert [q.comparable() for q in again.questions] == [q.comparable() for q in questions]


def test_moodle_xml_pasted_with_leading_blank_lines():
    assert moodlexml.parse("\n\n  " + XML_CATEGORIES).rejected == []
