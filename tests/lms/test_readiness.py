"""The job-readiness score: a pure function, tested densely (no database)."""
import datetime
from decimal import Decimal

import pytest

from lms import readiness
from lms.readiness import ReadinessInputs, experience_months, job_readiness, trend

D = Decimal


def full():
    return ReadinessInputs(
        profile_items_filled=14, profile_items_total=14, technical_levels=(5, 5, 5, 5, 5),
        software_levels=(5, 4), experience_months=D(6), portfolio_items=5, modules_passed=3,
        ects_earned=D(10), certifications=1, connections=10, mentors=0,
    )


def comp(result, key):
    return next(c for c in result.components if c.key == key)


def test_module_has_no_django_import():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(readiness))
    names = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)] + [
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert not [n for n in names if n and n.startswith("django")]


def test_weights_sum_to_100_and_are_named():
    assert sum(D(w) for _k, _l, w in readiness.COMPONENTS) == 100
    assert [k for k, _l, _w in readiness.COMPONENTS] == [
        "profile", "skills", "software", "experience", "portfolio", "learning", "certifications", "network"]


def test_empty_profile_scores_zero():
    r = job_readiness(ReadinessInputs())
    assert r.score == 0 and r.rounded == 0
    assert all(c.points == 0 for c in r.components)


def test_everything_at_target_scores_100():
    r = job_readiness(full())
    assert r.score == 100 and r.rounded == 100
    assert all(c.percent == 100 for c in r.components)


def test_points_equal_percent_times_weight():
    r = job_readiness(ReadinessInputs(profile_items_filled=7, profile_items_total=14, portfolio_items=2))
    assert comp(r, "profile").points == D(5)  # 50 % of 10
    assert comp(r, "portfolio").points == D(6)  # 40 % of 15
    assert r.score == D(11)
    assert sum(c.points for c in r.components) == r.score


def test_beyond_target_is_capped():
    r = job_readiness(ReadinessInputs(portfolio_items=50, experience_months=D(40), connections=400, certifications=9))
    for key in ("portfolio", "experience", "network", "certifications"):
        assert comp(r, key).percent == 100
    assert r.score == 15 + 20 + 5 + 10


@pytest.mark.parametrize("levels, expected_pct", [
    ((), D(0)),
    ((5,), D(20)),
    ((5, 5, 5, 5, 5), D(100)),
    ((1, 1, 1, 1, 1), D(20)),
    ((5, 5, 5, 5, 5, 1, 1), D(100)),  # only the best five count
    ((3, 4), D(28)),
    ((9, -2), D(20)),  # clamped to the 0–5 scale
])
def test_skills_use_best_five_levels(levels, expected_pct):
    assert comp(job_readiness(ReadinessInputs(technical_levels=levels)), "skills").percent == expected_pct


@pytest.mark.parametrize("levels, expected_pct, mastered", [
    ((), 0, 0), ((4,), 50, 1), ((4, 5), 100, 2), ((3,), 25, 0), ((3, 3), 50, 0),
    ((2, 1, 1), 0, 0), ((5, 3), 75, 1), ((5, 5, 5), 100, 3),
])
def test_software_two_mastered_half_for_operational(levels, expected_pct, mastered):
    c = comp(job_readiness(ReadinessInputs(software_levels=levels)), "software")
    assert c.percent == expected_pct
    assert c.detail["mastered"] == mastered


def test_experience_three_months_is_half():
    c = comp(job_readiness(ReadinessInputs(experience_months=D(3))), "experience")
    assert c.percent == 50 and c.points == 10


def test_learning_is_half_modules_half_ects():
    c = comp(job_readiness(ReadinessInputs(modules_passed=3)), "learning")
    assert c.percent == 50
    c = comp(job_readiness(ReadinessInputs(ects_earned=D(5))), "learning")
    assert c.percent == 25
    c = comp(job_readiness(ReadinessInputs(modules_passed=3, ects_earned=D(30))), "learning")
    assert c.percent == 100


def test_network_mentor_counts_three():
    c = comp(job_readiness(ReadinessInputs(connections=1, mentors=1)), "network")
    assert c.percent == 40 and c.detail == {"connections": 1, "mentors": 1}


def test_profile_total_zero_or_inconsistent_is_safe():
    assert comp(job_readiness(ReadinessInputs(profile_items_filled=3, profile_items_total=0)), "profile").percent == 0
    assert comp(job_readiness(ReadinessInputs(profile_items_filled=30, profile_items_total=10)), "profile").percent == 100


def test_negative_inputs_count_as_zero():
    r = job_readiness(ReadinessInputs(experience_months=D(-4), portfolio_items=-2, connections=-1, ects_earned=D(-3)))
    assert r.score == 0


def test_score_stays_within_bounds_for_many_inputs():
    for n in range(0, 12):
        r = job_readiness(ReadinessInputs(profile_items_filled=n, profile_items_total=11, technical_levels=(n % 6,) * n,
                                          software_levels=(n % 6,), experience_months=D(n), portfolio_items=n,
                                          modules_passed=n, ects_earned=D(n), certifications=n % 2, connections=n,
                                          mentors=n % 3))
        assert 0 <= r.score <= 100
        assert 0 <= r.rounded <= 100


def test_monotonic_more_experience_never_lowers_the_score():
    scores = [job_readiness(ReadinessInputs(experience_months=D(m))).score for m in range(0, 10)]
    assert scores == sorted(scores)


def test_rounded_is_half_up():
    # 1 portfolio item = 20 % of 15 = 3 points; 1 mentor = 30 % of 5 = 1.5 -> 4.5 rounds to 5
    r = job_readiness(ReadinessInputs(portfolio_items=1, mentors=1))
    assert r.score == D("4.5") and r.rounded == 5


def test_as_json_is_plain_strings():
    data = job_readiness(full()).as_json()
    assert set(data) == {k for k, _l, _w in readiness.COMPONENTS}
    assert data["experience"] == {"weight": "20", "percent": "100.00", "points": "20.00"}


def test_floats_are_refused_by_the_engine():
    from lms.scoring import SchemeError

    with pytest.raises(SchemeError):
        job_readiness(ReadinessInputs(experience_months=2.5))


# --- experience_months ------------------------------------------------------------------------
TODAY = datetime.date(2026, 11, 25)
d = datetime.date


def test_experience_months_single_period():
    months = experience_months([(d(2026, 5, 1), d(2026, 7, 31))], TODAY)
    assert D("3.0") <= months <= D("3.1")


def test_experience_months_overlaps_counted_once():
    one = experience_months([(d(2026, 5, 1), d(2026, 7, 31))], TODAY)
    both = experience_months([(d(2026, 5, 1), d(2026, 7, 31)), (d(2026, 6, 1), d(2026, 6, 30))], TODAY)
    assert one == both


def test_experience_months_adjacent_periods_join():
    joined = experience_months([(d(2026, 1, 1), d(2026, 1, 31)), (d(2026, 2, 1), d(2026, 2, 28))], TODAY)
    assert joined == D(59) / D("30.4375")


def test_experience_months_open_and_future_periods():
    assert experience_months([(d(2026, 11, 1), None)], TODAY) == D(25) / D("30.4375")
    assert experience_months([(d(2027, 5, 1), d(2027, 7, 31))], TODAY) == 0
    assert experience_months([(d(2026, 11, 20), d(2027, 1, 31))], TODAY) == D(6) / D("30.4375")


def test_experience_months_ignores_bad_periods():
    assert experience_months([(None, None), (d(2026, 5, 2), d(2026, 5, 1))], TODAY) == 0
    assert experience_months([], TODAY) == 0


# --- trend ------------------------------------------------------------------------------------
def test_trend_like_the_brief():
    snaps = [(d(2026, 1, 1), D("33.4")), (d(2026, 6, 1), D("60")), (d(2025, 12, 1), D("33.2")), (d(2026, 11, 1), D("78.2"))]
    t = trend(snaps)
    assert t["first_month"] == d(2025, 12, 1) and t["last"] == 78 and t["delta"] == 45 and t["months"] == 4


def test_trend_none_without_snapshots_and_zero_with_one():
    assert trend([]) is None
    assert trend([(d(2026, 1, 1), D(50))])["delta"] == 0


def test_chart_ends_with_todays_score_not_this_months_snapshot():
    snaps = [(d(2026, 9, 1), D("40")), (d(2026, 10, 1), D("52")), (d(2026, 11, 1), D("55"))]
    today = d(2026, 11, 30)
    points = readiness.trend_points(snaps, today, D("62.4"))
    assert points == [(d(2026, 9, 1), D("40")), (d(2026, 10, 1), D("52")), (today, D("62.4"))]
    assert readiness.trend_points([], today, D(0)) == [(today, D(0))]
