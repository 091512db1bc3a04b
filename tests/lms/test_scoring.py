"""The weighted-scheme engine: exact Decimal arithmetic, pass at the exact threshold."""
from decimal import Decimal as D

import pytest

from lms import scoring
from lms.scoring import Scheme, SchemeError

EXAM = Scheme.of([("theory", "Theory", "60"), ("practical", "Practical", "40")], "75")
MODULE = Scheme.of([("ca", "Continuous assessment", 40), ("project", "Practical project", 35),
                    ("cert", "Certification", 25)], 50)


def test_brief_edge_case_exactly_75_passes():
    result = scoring.score(EXAM, {"theory": D("80"), "practical": D("67.5")})
    assert result.total == D("75")
    assert result.passed


def test_just_below_threshold_fails_even_if_display_rounds_up():
    result = scoring.score(EXAM, {"theory": D("80"), "practical": D("67.49")})
    assert result.total == D("74.996")
    assert not result.passed
    assert result.display == "75.0"  # display only


def test_module_breakdown_contributions():
    r = scoring.score(MODULE, {"ca": D("50"), "project": D("80"), "cert": D("100")})
    assert [c.contribution for c in r.breakdown] == [D("20"), D("28"), D("25")]
    assert r.total == D("73") and r.passed and r.complete


def test_incomplete_never_passes():
    r = scoring.score(EXAM, {"theory": D("100"), "practical": None})
    assert not r.complete and not r.passed and r.total == D("60")


@pytest.mark.parametrize("weights", [("60", "39"), ("60", "41"), ("100", "0"), ("-10", "110")])
def test_weights_must_sum_to_100_and_be_positive(weights):
    with pytest.raises(SchemeError):
        Scheme.of([("a", "A", weights[0]), ("b", "B", weights[1])], "75")


def test_fractional_weights_summing_exactly_are_fine():
    s = Scheme.of([("a", "A", "33.33"), ("b", "B", "33.33"), ("c", "C", "33.34")], "50")
    assert scoring.score(s, {"a": 100, "b": 100, "c": 100}).total == D("100")


def test_floats_are_refused():
    with pytest.raises(SchemeError):
        scoring.score(EXAM, {"theory": 80.0, "practical": D("50")})


@pytest.mark.parametrize("bad", [D("-1"), D("100.01"), "abc", "NaN", "Infinity"])
def test_out_of_range_or_junk_scores_refused(bad):
    with pytest.raises(SchemeError):
        scoring.score(EXAM, {"theory": bad, "practical": D("50")})


def test_unknown_component_refused():
    with pytest.raises(SchemeError):
        scoring.score(EXAM, {"theory": 1, "practical": 1, "bonus": 5})


def test_twenty_conversions():
    assert scoring.from_twenty("15") == D("75")
    assert scoring.from_twenty("13,5") == D("67.5")
    assert scoring.to_twenty(D("75")) == D("15")
    with pytest.raises(SchemeError):
        scoring.from_twenty("25")


def test_points_to_percent_and_rounding():
    assert scoring.points_to_percent(2, 3) * 3 == D("200")
    assert scoring.display(scoring.points_to_percent(2, 3)) == "66.7"
    assert scoring.display(D("74.95")) == "75.0"
    assert scoring.display(D("74.94")) == "74.9"
    with pytest.raises(SchemeError):
        scoring.points_to_percent(4, 3)
