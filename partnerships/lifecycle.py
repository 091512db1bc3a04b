"""Partnership lifecycle rules, pure Python (no Django import): which status may follow which.

    prospect ──> pilot ──> active ──> renewal_due ──> renewed ──> renewal_due ...
        │          │         │            │
        └──────────┴─────────┴────────────┴──> lapsed ──> prospect (win back)

A prospect may also sign directly (prospect -> active). "renewed" is a live state for the new term;
60 days before that term ends it becomes "renewal_due" again.
"""
from datetime import date, timedelta

PROSPECT, PILOT, ACTIVE, RENEWAL_DUE, RENEWED, LAPSED = (
    "prospect", "pilot", "active", "renewal_due", "renewed", "lapsed",
)
STATUSES = (PROSPECT, PILOT, ACTIVE, RENEWAL_DUE, RENEWED, LAPSED)

ALLOWED: dict[str, frozenset[str]] = {
    PROSPECT: frozenset({PILOT, ACTIVE, LAPSED}),
    PILOT: frozenset({ACTIVE, RENEWAL_DUE, LAPSED}),
    ACTIVE: frozenset({RENEWAL_DUE, LAPSED}),
    RENEWAL_DUE: frozenset({RENEWED, LAPSED}),
    RENEWED: frozenset({RENEWAL_DUE, LAPSED}),
    LAPSED: frozenset({PROSPECT}),
}

# Statuses whose term is running and can come up for renewal.
RENEWABLE = frozenset({PILOT, ACTIVE, RENEWED})
RENEWAL_NOTICE_DAYS = 60


class TransitionError(ValueError):
    """An impossible lifecycle step, with a message that says why."""

    def __init__(self, current: str, target: str, message: str | None = None):
        self.current, self.target = current, target
        if message is None:
            allowed = ", ".join(sorted(ALLOWED.get(current, ()))) or "none"
            message = f"A partnership cannot go from “{current}” to “{target}” (allowed from {current}: {allowed})."
        super().__init__(message)


def allowed_targets(current: str) -> frozenset[str]:
    if current not in ALLOWED:
        raise TransitionError(current, "?", f"Unknown partnership status “{current}”.")
    return ALLOWED[current]


def check_transition(current: str, target: str) -> None:
    """Raise TransitionError unless `current -> target` is an allowed step."""
    if target not in STATUSES:
        raise TransitionError(current, target, f"Unknown partnership status “{target}”.")
    if target not in allowed_targets(current):
        raise TransitionError(current, target)


def can_transition(current: str, target: str) -> bool:
    try:
        check_transition(current, target)
    except TransitionError:
        return False
    return True


def renewal_opens_on(end_date: date) -> date:
    return end_date - timedelta(days=RENEWAL_NOTICE_DAYS)


def renewal_is_due(status: str, end_date: date | None, today: date, opened_for: date | None) -> bool:
    """True when the term ends within RENEWAL_NOTICE_DAYS and renewal was not yet opened for this term."""
    if status not in RENEWABLE or end_date is None:
        return False
    if opened_for is not None and opened_for == end_date:
        return False
    return renewal_opens_on(end_date) <= today


def term_end(start: date) -> date:
    """Last day of a one-year term starting on `start`."""
    try:
        return start.replace(year=start.year + 1) - timedelta(days=1)
    except ValueError:  # 29 February
        return start.replace(year=start.year + 1, day=28)


def next_term(start: date, end: date) -> tuple[date, date]:
    """The following one-year term: starts the day after `end`, same length in years."""
    new_start = end + timedelta(days=1)
    try:
        new_end = end.replace(year=end.year + 1)
    except ValueError:  # 29 February
        new_end = end.replace(year=end.year + 1, day=28)
    return new_start, new_end
