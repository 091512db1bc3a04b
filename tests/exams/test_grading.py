"""Pure grading of every question type (no database)."""
from decimal import Decimal
from fractions import Fraction

import pytest

from exams import grading as g
from tests.exams.helpers import KEYS

SINGLE, MULTI = KEYS["single"], KEYS["multiple"]


@pytest.mark.parametrize("response,expected", [
    ({"choice": "a"}, 1), ({"choice": "b"}, 0), ({}, 0), (None, 0), ({"choice": ""}, 0),
])
def test_single(response, expected):
    assert g.grade(g.SINGLE, SINGLE, response) == expected


def test_single_partial_and_negative_fraction_floored():
    key = {"choices": [{"id": "a", "fraction": "50"}, {"id": "b", "fraction": "-25"}, {"id": "c", "fraction": "100"}]}
    assert g.grade(g.SINGLE, key, {"choice": "a"}) == Fraction(1, 2)
    assert g.grade(g.SINGLE, key, {"choice": "b"}) == 0


@pytest.mark.parametrize("choices,expected", [
    (["a", "b"], Fraction(1)),          # both right: +1/2 +1/2
    (["a"], Fraction(1, 2)),            # one of two right
    (["a", "c"], Fraction(0)),          # +1/2 −1/2
    (["a", "b", "c"], Fraction(1, 2)),  # 1 − 1/2
    (["c", "d"], Fraction(0)),          # floored at 0
    (["a", "b", "c", "d"], Fraction(0)),  # ticking everything earns nothing
    ([], Fraction(0)),
])
def test_multiple_moodle_partial_credit(choices, expected):
    assert g.grade(g.MULTIPLE, MULTI, {"choices": choices}) == expected


def test_multiple_thirds_exact_and_points_quantised():
    key = {"choices": [{"id": x, "fraction": "33.333"} for x in "abc"] + [{"id": "d", "fraction": "-33.333"}]}
    assert g.grade(g.MULTIPLE, key, {"choices": ["a"]}) == Fraction(1, 3)
    assert g.award(g.MULTIPLE, key, {"choices": ["a"]}, Decimal("1")) == Decimal("0.3333")
    assert g.award(g.MULTIPLE, key, {"choices": ["a", "b"]}, Decimal("3")) == Decimal("2.0000")


def test_multiple_duplicates_collapse():
    assert g.validate_response(g.MULTIPLE, MULTI, {"choices": ["b", "a", "a"]}) == {"choices": ["a", "b"]}


@pytest.mark.parametrize("value,expected", [(True, 1), ("true", 1), (False, 0), ("false", 0), ("", 0)])
def test_truefalse(value, expected):
    assert g.grade(g.TRUEFALSE, {"answer": True}, {"value": value}) == expected


@pytest.mark.parametrize("value,expected", [
    ("440", 1), ("445", 1), ("435", 1), ("445.01", 0), ("434,99", 0), ("440,5", 1), (440, 1), (" 442 ", 1),
])
def test_numeric_tolerance(value, expected):
    assert g.grade(g.NUMERIC, KEYS["numeric"], {"value": value}) == expected


def test_numeric_best_of_several_answers():
    key = {"answers": [{"value": "100", "tolerance": "0", "fraction": "100"},
                       {"value": "100", "tolerance": "10", "fraction": "50"}]}
    assert g.grade(g.NUMERIC, key, {"value": "100"}) == 1
    assert g.grade(g.NUMERIC, key, {"value": "95"}) == Fraction(1, 2)
    assert g.grade(g.NUMERIC, key, {"value": "80"}) == 0


@pytest.mark.parametrize("bad", ["abc", "NaN", "Infinity", "1" * 50, True, 1.5])
def test_numeric_rejects_garbage(bad):
    with pytest.raises(g.GradingError):
        g.validate_response(g.NUMERIC, KEYS["numeric"], {"value": bad})


@pytest.mark.parametrize("text,expected", [
    ("FOH", 1), ("foh", 1), ("  Front   of house ", 1), ("front-of-house", 1), ("Front of house!", 1),
    ("front of houses", 0), ("", 0),
])
def test_short_normalised(text, expected):
    assert g.grade(g.SHORT, KEYS["short"], {"text": text}) == expected


def test_short_accents_and_case():
    key = {"answers": [{"text": "Régie façade", "fraction": "100"}]}
    assert g.grade(g.SHORT, key, {"text": "REGIE FACADE"}) == 1
    assert g.normalise_text("  Élève, l'été !  ") == "eleve l ete"


def test_short_too_long_refused():
    with pytest.raises(g.GradingError, match="too long"):
        g.validate_response(g.SHORT, KEYS["short"], {"text": "x" * 1_000_000})


def test_matching_partial():
    key = KEYS["matching"]
    assert g.grade(g.MATCHING, key, {"pairs": {"p1": "p1", "p2": "p2", "p3": "p3"}}) == 1
    assert g.grade(g.MATCHING, key, {"pairs": {"p1": "p1", "p2": "p3", "p3": "p2"}}) == Fraction(1, 3)
    assert g.grade(g.MATCHING, key, {"pairs": {"p1": ""}}) == 0


def test_ordering_positions():
    key = KEYS["ordering"]
    assert g.grade(g.ORDERING, key, {"order": ["i1", "i2", "i3"]}) == 1
    assert g.grade(g.ORDERING, key, {"order": ["i1", "i3", "i2"]}) == Fraction(1, 3)
    assert g.grade(g.ORDERING, key, {"order": ["i3", "i1", "i2"]}) == 0
    assert g.grade(g.ORDERING, key, {"order": ["i1", "", ""]}) == Fraction(1, 3)


@pytest.mark.parametrize("qtype,response", [
    (g.SINGLE, {"choice": "zzz"}),
    (g.MULTIPLE, {"choices": ["a", "zzz"]}),
    (g.MULTIPLE, {"choices": "a"}),
    (g.MATCHING, {"pairs": {"p1": "p9"}}),
    (g.MATCHING, {"pairs": ["p1"]}),
    (g.ORDERING, {"order": ["i1", "i1"]}),
    (g.ORDERING, {"order": ["i9"]}),
    (g.TRUEFALSE, {"value": "maybe"}),
    (g.SHORT, {"text": 12}),
    (g.SINGLE, "a"),
])
def test_tampered_responses_refused(qtype, response):
    with pytest.raises(g.GradingError):
        g.validate_response(qtype, KEYS[qtype], response)


@pytest.mark.parametrize("qtype", g.TYPES)
def test_right_response_earns_full_marks(qtype):
    assert g.grade(qtype, KEYS[qtype], g.right_response(qtype, KEYS[qtype])) == 1
    assert g.award(qtype, KEYS[qtype], g.right_response(qtype, KEYS[qtype]), Decimal("2.5")) == Decimal("2.5")


@pytest.mark.parametrize("qtype,key", [
    (g.SINGLE, {"choices": [{"id": "a", "fraction": "0"}, {"id": "b", "fraction": "0"}]}),
    (g.SINGLE, {"choices": [{"id": "a", "fraction": "100"}]}),
    (g.MULTIPLE, {"choices": [{"id": "a", "fraction": "100"}, {"id": "a", "fraction": "0"}]}),
    (g.NUMERIC, {"answers": []}),
    (g.NUMERIC, {"answers": [{"value": "x"}]}),
    (g.SHORT, {"answers": [{"text": "!!"}]}),
    (g.MATCHING, {"pairs": [{"id": "p1"}]}),
    (g.ORDERING, {"items": []}),
    (g.TRUEFALSE, {"answer": "yes"}),
    ("essay", {}),
    (g.SINGLE, {}),
])
def test_bad_keys_refused(qtype, key):
    with pytest.raises(g.GradingError):
        g.validate_key(qtype, key)
