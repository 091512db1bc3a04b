"""The apprenticeship rhythm decided by a school's calendar (pure, no Django import).

The Flow Stage apprenticeship programme alternates school and company within each week: 2 days at school and
3 days at the company (brief §2.3). Which weekdays are school days is the school's decision, written in its
calendar (``careers.models.SchoolCalendar``): the usual school weekdays, and dated exceptions — a day at the company
(school holidays), a day at school (an intensive week), a closed day (a public holiday). Weekends are neither.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from lms.messages import Message, gettext_noop
from lms.messages import message as _m

SCHOOL, COMPANY, CLOSED = "school", "company", "closed"
KINDS = (SCHOOL, COMPANY, CLOSED)


@dataclass(frozen=True)
class Calendar:
    school_weekdays: frozenset[int]  # 0 = Monday … 4 = Friday
    exceptions: dict = field(default_factory=dict)  # date -> SCHOOL | COMPANY | CLOSED


def day_kind(cal: Calendar, day: date) -> str | None:
    """SCHOOL, COMPANY or CLOSED for a weekday; None on Saturdays and Sundays."""
    if day.weekday() >= 5:
        return None
    if day in cal.exceptions:
        return cal.exceptions[day]
    return SCHOOL if day.weekday() in cal.school_weekdays else COMPANY


def split(cal: Calendar, start: date, end: date) -> dict[str, int]:
    """How many days of [start, end] are at school, at the company, closed."""
    counts = dict.fromkeys(KINDS, 0)
    day = start
    while day <= end:
        kind = day_kind(cal, day)
        if kind is not None:
            counts[kind] += 1
        day += timedelta(days=1)
    return counts


def check_calendar(cal: Calendar, school_days_per_week: int) -> list[Message]:
    """A calendar fits the programme when its usual week has the programme's number of school days."""
    problems = []
    if any(d < 0 or d > 4 for d in cal.school_weekdays):
        problems.append(_m(gettext_noop("School days must be weekdays (Monday to Friday).")))
    if len(cal.school_weekdays) != school_days_per_week:
        problems.append(_m(gettext_noop(
            "The programme has %(expected)s school days a week; this calendar has %(found)s."),
            expected=school_days_per_week, found=len(cal.school_weekdays)))
    for day, kind in cal.exceptions.items():
        if kind not in KINDS:
            problems.append(_m(gettext_noop("Unknown kind of day on %(day)s."), day=day))
    return problems
