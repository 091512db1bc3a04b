"""The pure rules of the follow-up during an internship (careers/followup_rules.py): midpoint, when the evaluation
is due, the reminder cadence, the ratings' validation, objectives met, the readiness change since 1 September."""
import datetime
from decimal import Decimal

import pytest

from careers import followup_rules as r

D = datetime.date
T = datetime.datetime


@pytest.mark.parametrize("start,end,mid", [
    (D(2027, 5, 3), D(2027, 7, 30), D(2027, 6, 16)),  # 88 days: + 44
    (D(2027, 5, 3), D(2027, 5, 3), D(2027, 5, 3)),  # one day
    (D(2027, 5, 3), D(2027, 5, 4), D(2027, 5, 3)),  # rounded down
    (D(2027, 5, 3), D(2027, 5, 5), D(2027, 5, 4)),
    (D(2026, 12, 20), D(2027, 1, 10), D(2026, 12, 30)),  # across a year: 21 days // 2 = 10
    (D(2028, 2, 1), D(2028, 3, 31), D(2028, 3, 1)),  # a leap February: 59 days // 2 = 29
])
def test_midpoint_is_start_plus_half_the_span_rounded_down(start, end, mid):
    assert r.midpoint(start, end) == mid
    assert start <= r.midpoint(start, end) <= end


def test_midpoint_refuses_an_end_before_the_start():
    with pytest.raises(ValueError):
        r.midpoint(D(2027, 5, 3), D(2027, 5, 2))


@pytest.mark.parametrize("day,due", [
    (D(2027, 6, 15), False), (D(2027, 6, 16), True), (D(2027, 7, 30), True), (D(2027, 7, 31), False),
    (D(2027, 5, 3), False),
])
def test_the_evaluation_is_due_from_the_midpoint_to_the_end(day, due):
    assert r.midterm_due(D(2027, 5, 3), D(2027, 7, 30), day) is due


SENT = T(2027, 6, 16, 7, 15)


@pytest.mark.parametrize("last,count,now,due", [
    (None, 0, SENT + datetime.timedelta(days=6, hours=23), False),
    (None, 0, SENT + datetime.timedelta(days=7), True),
    (SENT + datetime.timedelta(days=7), 1, SENT + datetime.timedelta(days=13), False),  # one a week at most
    (SENT + datetime.timedelta(days=7), 1, SENT + datetime.timedelta(days=14), True),
    (SENT + datetime.timedelta(days=28), r.MAX_REMINDERS, SENT + datetime.timedelta(days=90), False),  # bounded
    (SENT + datetime.timedelta(days=21), r.MAX_REMINDERS - 1, SENT + datetime.timedelta(days=28), True),
])
def test_reminder_cadence_weekly_and_bounded(last, count, now, due):
    assert r.reminder_due(SENT, last, count, now) is due


def test_a_month_of_daily_runs_sends_one_reminder_a_week_and_never_more_than_the_bound():
    last, count, sent_days = None, 0, []
    for day in range(1, 120):
        now = SENT + datetime.timedelta(days=day)
        if r.reminder_due(SENT, last, count, now):
            last, count = now, count + 1
            sent_days.append(day)
    assert sent_days == [7, 14, 21, 28][:r.MAX_REMINDERS]


OK = ("acquired", "")


def test_a_complete_evaluation_has_no_problem():
    assert r.check_evaluation(2, [("acquired", "bien"), ("not_yet", "")], ("in_progress", ""), OK) == []


@pytest.mark.parametrize("objectives,behaviour,skills,expected", [
    ([OK], OK, OK, "Rate each of the 2 objectives of the agreement (1 rated)."),
    ([OK, OK, OK], OK, OK, "Rate each of the 2 objectives of the agreement (3 rated)."),
    ([OK, ("excellent", "")], OK, OK, "Rate objective 2: acquired, in progress or not yet."),
    ([OK, ("", "")], OK, OK, "Rate objective 2: acquired, in progress or not yet."),
    ([OK, OK], ("ACQUIRED", ""), OK, "Rate the behaviour: acquired, in progress or not yet."),
    ([OK, OK], OK, ("5", ""), "Rate the skills: acquired, in progress or not yet."),
    ([("acquired", "x" * 2001), OK], OK, OK, "The comment on objective 1 is longer than 2000 characters."),
])
def test_bad_ratings_are_refused_with_the_reason(objectives, behaviour, skills, expected):
    problems = r.check_evaluation(2, objectives, behaviour, skills)
    assert expected in [str(p) for p in problems]


def test_a_comment_of_exactly_the_limit_is_accepted():
    assert r.check_evaluation(1, [("acquired", "x" * r.COMMENT_MAX)], OK, OK) == []


def test_objectives_met_counts_the_acquired():
    assert r.objectives_met(["acquired", "in_progress", "acquired", "not_yet"], 4) == (2, 4)
    assert r.objectives_met([], 3) == (0, 3)


@pytest.mark.parametrize("day,start", [
    (D(2026, 11, 30), D(2026, 9, 1)), (D(2026, 9, 1), D(2026, 9, 1)), (D(2026, 8, 31), D(2025, 9, 1)),
    (D(2027, 1, 1), D(2026, 9, 1)),
])
def test_the_academic_year_starts_on_1_september(day, start):
    assert r.academic_year_start(day) == start


def test_readiness_change_since_the_first_snapshot_of_the_academic_year():
    snaps = [(D(2026, 6, 1), "20"), (D(2026, 9, 1), Decimal("33.5")), (D(2026, 10, 1), "60"),
             (D(2026, 11, 1), Decimal("78.25")), (D(2027, 1, 1), "90")]  # a future snapshot is ignored
    out = r.readiness_change(snaps, D(2026, 11, 30))
    assert out["score"] == Decimal("78.25") and out["start_score"] == Decimal("33.5")
    assert out["change"] == Decimal("44.75") and out["since"] == D(2026, 9, 1)
    assert isinstance(out["change"], Decimal)


def test_readiness_change_without_a_snapshot_this_year_or_at_all():
    assert r.readiness_change([], D(2026, 11, 30)) is None
    out = r.readiness_change([(D(2026, 5, 1), "40")], D(2026, 11, 30))
    assert out["score"] == Decimal("40") and out["change"] is None
    out = r.readiness_change([(D(2026, 10, 1), "50")], D(2026, 11, 30))
    assert out["change"] == Decimal("0")


def test_the_rules_module_imports_no_django():
    import ast
    import pathlib

    tree = ast.parse(pathlib.Path(r.__file__).read_text())
    names = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)] + [
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert not [n for n in names if n and n.startswith("django")]


@pytest.mark.parametrize("change,text", [(Decimal("44.5"), "+45"), (Decimal("0.4"), "0"), (Decimal("-0.4"), "0"),
                                         (Decimal("-3.5"), "−4"), (Decimal("0"), "0")])
def test_the_change_is_written_with_its_sign_rounded_for_display_only(change, text):
    from careers.selectors import _with_signed_change

    out = _with_signed_change({"change": change, "score": Decimal("50")})
    assert out["signed_change"] == text and out["change"] == change
    assert _with_signed_change(None) is None
    assert "signed_change" not in _with_signed_change({"change": None})
