"""Pure lifecycle rules."""
import datetime

import pytest

from partnerships import lifecycle as L


@pytest.mark.parametrize("current,target", [
    ("prospect", "pilot"), ("prospect", "active"), ("pilot", "active"), ("active", "renewal_due"),
    ("renewal_due", "renewed"), ("renewal_due", "lapsed"), ("renewed", "renewal_due"), ("lapsed", "prospect"),
    ("pilot", "lapsed"), ("pilot", "renewal_due"),
])
def test_allowed(current, target):
    L.check_transition(current, target)
    assert L.can_transition(current, target)


@pytest.mark.parametrize("current,target", [
    ("prospect", "renewed"), ("prospect", "renewal_due"), ("active", "pilot"), ("active", "renewed"),
    ("lapsed", "active"), ("renewed", "active"), ("renewal_due", "active"), ("active", "active"),
])
def test_refused_with_clear_message(current, target):
    with pytest.raises(L.TransitionError) as exc:
        L.check_transition(current, target)
    msg = str(exc.value)
    assert current in msg and target in msg and "allowed" in msg
    assert not L.can_transition(current, target)


def test_unknown_status():
    with pytest.raises(L.TransitionError, match="Unknown"):
        L.check_transition("active", "frozen")
    with pytest.raises(L.TransitionError, match="Unknown"):
        L.check_transition("frozen", "active")


def test_every_status_has_rules_and_targets_are_statuses():
    assert set(L.ALLOWED) == set(L.STATUSES)
    for targets in L.ALLOWED.values():
        assert targets <= set(L.STATUSES)


def test_renewal_due_60_days_before_end_once_per_term():
    end = datetime.date(2027, 1, 4)
    assert L.renewal_opens_on(end) == datetime.date(2026, 11, 5)
    assert not L.renewal_is_due("active", end, datetime.date(2026, 11, 4), None)
    assert L.renewal_is_due("active", end, datetime.date(2026, 11, 5), None)
    assert L.renewal_is_due("pilot", end, datetime.date(2026, 12, 1), None)
    assert not L.renewal_is_due("active", end, datetime.date(2026, 12, 1), end)  # already opened for this term
    assert L.renewal_is_due("renewed", end, datetime.date(2026, 12, 1), datetime.date(2026, 1, 4))  # older term
    assert not L.renewal_is_due("prospect", end, datetime.date(2026, 12, 1), None)
    assert not L.renewal_is_due("active", None, datetime.date(2026, 12, 1), None)


def test_terms():
    assert L.term_end(datetime.date(2026, 1, 5)) == datetime.date(2027, 1, 4)
    assert L.next_term(datetime.date(2026, 1, 5), datetime.date(2027, 1, 4)) == (
        datetime.date(2027, 1, 5), datetime.date(2028, 1, 4))
    assert L.next_term(datetime.date(2023, 3, 1), datetime.date(2024, 2, 29))[1] == datetime.date(2025, 2, 28)
