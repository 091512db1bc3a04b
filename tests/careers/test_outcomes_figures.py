"""Dense unit tests of careers/outcomes.py (pure: no database)."""
import datetime as dt
from decimal import Decimal

import pytest

from careers import outcomes as O
from careers.outcomes import GraduateFact as G
from careers.outcomes import OutcomeFact as F
from careers.outcomes import PlacementFact as P

D = dt.date


@pytest.mark.parametrize("day,months,expected", [
    (D(2026, 6, 30), 6, D(2026, 12, 30)), (D(2026, 8, 31), 6, D(2027, 2, 28)), (D(2027, 8, 31), 6, D(2028, 2, 29)),
    (D(2026, 1, 15), 12, D(2027, 1, 15)), (D(2026, 12, 1), 1, D(2027, 1, 1)), (D(2026, 3, 31), 1, D(2026, 4, 30)),
])
def test_add_months(day, months, expected):
    assert O.add_months(day, months) == expected


def test_rate_one_decimal_and_none():
    assert O.rate(1, 3) == Decimal("33.3")
    assert O.rate(2, 3) == Decimal("66.7")
    assert O.rate(0, 0) is None
    assert isinstance(O.rate(1, 2), Decimal)


GRAD = D(2026, 6, 30)


@pytest.mark.parametrize("today,sent,reminded,answered,has,expected", [
    (D(2026, 12, 29), None, None, False, False, None),         # not yet due
    (D(2026, 12, 30), None, None, False, False, O.SEND),       # due today
    (D(2027, 3, 1), None, None, False, False, O.SEND),         # late but never sent
    (D(2026, 12, 30), None, None, False, True, None),          # already has an outcome
    (D(2027, 1, 12), D(2026, 12, 30), None, False, False, None),   # 13 days
    (D(2027, 1, 13), D(2026, 12, 30), None, False, False, O.REMIND),  # 14 days
    (D(2027, 2, 13), D(2026, 12, 30), D(2027, 1, 13), False, False, None),  # reminded once only
    (D(2027, 1, 13), D(2026, 12, 30), None, True, False, None),  # answered
])
def test_survey_action(today, sent, reminded, answered, has, expected):
    assert O.survey_action(GRAD, today, sent, reminded, answered, has) == expected


def test_link_state():
    sent = dt.datetime(2026, 12, 30, 6, 0)
    assert O.link_state(sent, sent + dt.timedelta(days=1), False) == O.OK
    assert O.link_state(sent, sent + dt.timedelta(days=60), False) == O.OK
    assert O.link_state(sent, sent + dt.timedelta(days=60, seconds=1), False) == O.EXPIRED
    assert O.link_state(sent, sent + dt.timedelta(days=1), True) == O.ANSWERED
    assert O.link_state(sent, sent + dt.timedelta(days=90), True) == O.ANSWERED  # answered wins over expired


def test_placements_by_state_boundaries():
    ps = [P(1, 1, 9, D(2026, 3, 1), D(2026, 5, 31)), P(2, 2, 9, D(2026, 5, 31), D(2026, 8, 31)),
          P(3, 3, 9, D(2026, 6, 1), D(2026, 8, 31)), P(4, 4, 9, D(2026, 1, 1), D(2026, 5, 30))]
    assert O.placements_by_state(ps, D(2026, 5, 31)) == {"upcoming": 1, "in_progress": 2, "completed": 1}
    assert O.placements_by_state([], D(2026, 5, 31)) == {"upcoming": 0, "in_progress": 0, "completed": 0}


def test_conversion_by_agreement_or_host_employer():
    today = D(2026, 9, 1)
    ps = [P(1, 10, 100, D(2026, 3, 1), D(2026, 6, 30)),   # converted through the agreement link
          P(2, 11, 101, D(2026, 3, 1), D(2026, 6, 30)),   # converted by naming the host employer
          P(3, 12, 102, D(2026, 3, 1), D(2026, 6, 30)),   # hired elsewhere: not a conversion
          P(4, 13, 103, D(2026, 3, 1), D(2026, 6, 30)),   # host employer, but further study: not employed
          P(5, 14, 104, D(2026, 3, 1), D(2026, 12, 31))]  # in progress: not in the denominator
    os_ = [F(10, "placement", "cdd", D(2026, 7, 1), None, 1), F(11, "graduation", "cdi", D(2026, 9, 1), 101),
           F(12, "graduation", "cdi", D(2026, 7, 1), 999), F(13, "placement", "study", D(2026, 9, 1), 103),
           F(14, "placement", "cdi", D(2026, 7, 1), 104)]
    r = O.conversion(ps, os_, today)
    assert (r.part, r.whole, r.pct) == (2, 4, Decimal("50.0"))


def test_conversion_job_before_the_internship_does_not_count():
    p = P(1, 10, 100, D(2026, 3, 1), D(2026, 6, 30))
    assert not O.converted(p, [F(10, "placement", "cdi", D(2025, 1, 1), 100)])
    assert O.converted(p, [F(10, "placement", "cdi", D(2026, 3, 1), 100)])
    assert not O.converted(p, [F(99, "placement", "cdi", D(2026, 7, 1), 100)])  # another student


def test_conversion_empty():
    r = O.conversion([], [], D(2026, 1, 1))
    assert (r.part, r.whole, r.pct) == (0, 0, None)


def test_employment_within_six_months():
    today = D(2027, 1, 15)
    gs = [G(1, 1, GRAD), G(2, 1, GRAD), G(3, 1, GRAD), G(4, 1, GRAD), G(5, 2, D(2026, 9, 30))]
    os_ = [F(1, "graduation", "cdi", D(2026, 9, 1)),
           F(2, "graduation", "freelance", D(2026, 12, 30)),  # on the day: counts
           F(3, "graduation", "cdd", D(2026, 12, 31)),        # a day late: no
           F(4, "graduation", "study", D(2026, 9, 1)),        # study: not employed
           F(5, "graduation", "cdi", D(2026, 10, 1))]          # cohort not due yet: out of both
    r = O.employment_within_six_months(gs, os_, today)
    assert (r.part, r.whole, r.pct) == (2, 4, Decimal("50.0"))


def test_employment_counts_a_job_that_followed_the_internship():
    r = O.employment_within_six_months([G(1, 1, GRAD)], [F(1, "placement", "cdi", D(2026, 4, 1), 7)], D(2027, 1, 1))
    assert (r.part, r.whole) == (1, 1)


def test_outcome_breakdown_latest_wins_and_unknown():
    gs = [G(1, 1, GRAD), G(2, 1, GRAD), G(3, 1, GRAD)]
    os_ = [F(1, "placement", "searching", D(2026, 7, 1)), F(1, "graduation", "cdi", D(2026, 8, 1)),
           F(2, "graduation", "searching", D(2026, 12, 30))]
    b = O.outcome_breakdown(gs, os_, D(2027, 1, 1))
    assert b["cdi"] == 1 and b["searching"] == 1 and b["unknown"] == 1 and sum(b.values()) == 3


def test_recruiting_employers_distinct_partners_of_the_year():
    os_ = [F(1, "graduation", "cdi", D(2026, 2, 1), 1), F(2, "graduation", "cdd", D(2026, 3, 1), 1),
           F(3, "graduation", "freelance", D(2026, 3, 1), 2), F(4, "graduation", "cdi", D(2025, 3, 1), 3),
           F(5, "graduation", "study", D(2026, 3, 1), 4), F(6, "graduation", "cdi", D(2026, 3, 1), 5),
           F(7, "graduation", "cdi", D(2026, 3, 1), None)]
    assert O.recruiting_employers(os_, {1, 2, 3, 4}, 2026) == {1, 2}
    assert O.recruiting_employers(os_, {1, 2, 3, 4}, 2025) == {3}
    assert O.recruiting_employers([], {1}, 2026) == set()


def test_alumni_retention():
    today = D(2026, 12, 1)
    gs = [G(1, 1, GRAD, D(2026, 11, 30)), G(2, 1, GRAD, D(2026, 9, 1)), G(3, 1, GRAD, None),
          G(4, 2, D(2026, 10, 1), D(2026, 11, 30)),  # graduated less than 90 days ago: not yet an alumnus
          G(5, 1, GRAD, D(2026, 9, 2))]  # exactly 90 days ago: outside the window
    r = O.alumni_retention(gs, today)
    assert (r.part, r.whole, r.pct) == (1, 4, Decimal("25.0"))


def test_nps_textbook():
    r = O.nps([10, 9, 9, 8, 7, 6, 0, 10, 5, 9])
    assert r.answers == 10 and r.promoters == 5 and r.passives == 2 and r.detractors == 3
    assert r.score == Decimal("20.0")
    assert r.distribution == [1, 0, 0, 0, 0, 1, 1, 1, 1, 3, 2]
    assert r.mean == Decimal("7.3")


@pytest.mark.parametrize("scores,expected", [
    ([10] * 4, Decimal("100.0")), ([0, 6], Decimal("-100.0")), ([7, 8], Decimal("0.0")),
    ([9, 9, 0], Decimal("33.3")), ([6, 6, 10], Decimal("-33.3")), ([], None),
])
def test_nps_bounds(scores, expected):
    assert O.nps(scores).score == expected


@pytest.mark.parametrize("bad", [-1, 11, 100])
def test_nps_refuses_out_of_range(bad):
    with pytest.raises(ValueError):
        O.nps([5, bad])


def test_by_cohort():
    today = D(2027, 1, 15)
    cohorts = [(1, GRAD), (2, D(2027, 6, 30))]
    members = [(1, 10), (1, 11), (1, 12), (2, 20)]
    ps = [P(1, 10, 100, D(2026, 3, 1), D(2026, 6, 30)), P(2, 20, 100, D(2027, 1, 1), D(2027, 3, 31))]
    os_ = [F(10, "placement", "cdi", D(2026, 7, 1), 100), F(11, "graduation", "searching", D(2026, 12, 1))]
    a, b = O.by_cohort(cohorts, members, ps, os_, today)
    assert (a.students, a.completed, a.in_progress, a.conversion.part, a.conversion.whole) == (3, 1, 0, 1, 1)
    assert (a.employment.part, a.employment.whole) == (1, 3)
    assert a.breakdown["unknown"] == 1 and a.survey_due_on == D(2026, 12, 30)
    assert (b.students, b.in_progress, b.employment.whole, b.employment.pct) == (1, 1, 0, None)
