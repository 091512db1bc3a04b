"""Exam scoring edge cases: the weighting goes through lms.scoring, exact Decimal, pass iff ≥ threshold."""
from decimal import Decimal

import pytest

from exams.models import Exam
from lms.scoring import SchemeError, score


def exam(**kw):
    return Exam(title_fr="x", slug="x", rubric_id=1, **kw)


@pytest.mark.parametrize("theory,practical,total,passed", [
    ("80", "67.5", Decimal("75.0"), True),       # exactly the threshold passes
    ("80", "67.49", Decimal("74.996"), False),   # 74.996 displays as 75.0 but fails
    ("67.49", "100", Decimal("80.494"), True),
    ("100", "0", Decimal("60"), False),
    ("0", "100", Decimal("40"), False),
    ("100", "100", Decimal("100"), True),
])
def test_default_weights_60_40_pass_75(theory, practical, total, passed):
    result = score(exam().scheme(), {"theory": Decimal(theory), "practical": Decimal(practical)})
    assert result.total == total
    assert result.passed is passed


def test_final_67_49_fails():
    # A final weighted score of 67.49 % fails the 75 % threshold (and a 74.99 one too).
    e = exam(pass_mark=Decimal("67.5"))
    assert not score(e.scheme(), {"theory": Decimal("67.49"), "practical": Decimal("67.49")}).passed
    assert score(e.scheme(), {"theory": Decimal("67.5"), "practical": Decimal("67.5")}).passed


def test_practical_missing_is_incomplete():
    result = score(exam().scheme(), {"theory": Decimal("100"), "practical": None})
    assert not result.complete and not result.passed


def test_theory_only_exam():
    e = Exam(title_fr="x", slug="y", theory_weight=Decimal(100), practical_weight=Decimal(0))
    assert [c.key for c in e.scheme().components] == ["theory"]


def test_weights_must_sum_to_100():
    with pytest.raises(SchemeError, match="sum to 100"):
        exam(theory_weight=Decimal("60"), practical_weight=Decimal("39.99")).scheme()
    assert exam(theory_weight=Decimal("62.5"), practical_weight=Decimal("37.5")).scheme()


def test_display_half_up():
    from exams.templatetags.exams_tags import pct

    assert pct(Decimal("74.996")) in ("75.0", "75,0")
    assert pct(Decimal("68.75")) in ("68.8", "68,8")
    assert pct(None) == "—"


def test_out_of_twenty_display():
    from exams.templatetags.exams_tags import twenty

    assert twenty(Decimal("90")) in ("18.0", "18,0")
    assert twenty(Decimal("75")) in ("15.0", "15,0")
