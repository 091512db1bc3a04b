"""The rules of the follow-up during an internship, without Django (dense tests in tests/careers/test_followup_rules.py).

- The midpoint of an agreement from ``start`` to ``end`` (both days included) is ``start + (end - start) // 2``
  (whole days, rounded down): the mid-term evaluation is created on that day or on the first run after it, once.
- An evaluation not answered is reminded every ``REMINDER_EVERY`` days after it was sent (one reminder a week at
  most), and no more than ``MAX_REMINDERS`` times.
- A tutor rates each learning objective of the agreement, their behaviour and their skills, each as one of
  ``RATINGS`` (acquired / in progress / not yet) with a comment of at most ``COMMENT_MAX`` characters; every
  objective is rated, no more and no fewer.
- "Objectives met n/N": n is the number of objectives rated acquired in the latest submitted evaluation, N the number
  of the agreement's objectives.
- The academic year starts on 1 September: the job-readiness change shown on the follow-up page is the latest
  monthly snapshot's score minus the score of the first snapshot of the academic year (scores are Decimals; the
  change is rounded only for display).
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from lms.messages import Message, gettext_noop
from lms.messages import message as _m

ACQUIRED, IN_PROGRESS, NOT_YET = "acquired", "in_progress", "not_yet"
RATINGS = (ACQUIRED, IN_PROGRESS, NOT_YET)
REMINDER_EVERY = datetime.timedelta(days=7)
MAX_REMINDERS = 4
COMMENT_MAX = 2000
ACADEMIC_YEAR_MONTH = 9


def midpoint(start: datetime.date, end: datetime.date) -> datetime.date:
    if end < start:
        raise ValueError("end before start")
    return start + datetime.timedelta(days=(end - start).days // 2)


def midterm_due(start: datetime.date, end: datetime.date, today: datetime.date) -> bool:
    """The evaluation is due from the midpoint until the last day of the internship."""
    return midpoint(start, end) <= today <= end


def reminder_due(sent_at: datetime.datetime, last_reminder_at: datetime.datetime | None, reminders: int,
                 now: datetime.datetime) -> bool:
    """A reminder is due one week after the request, then one week after the previous reminder, at most
    ``MAX_REMINDERS`` times."""
    if reminders >= MAX_REMINDERS:
        return False
    since = last_reminder_at or sent_at
    return now - since >= REMINDER_EVERY


@dataclass(frozen=True)
class Rated:
    rating: str
    comment: str


def check_rating(value: str, comment: str, what: Message) -> list[Message]:
    problems = []
    if value not in RATINGS:
        problems.append(_m(gettext_noop("Rate %(what)s: acquired, in progress or not yet."), what=what))
    if len(comment or "") > COMMENT_MAX:
        problems.append(_m(gettext_noop("The comment on %(what)s is longer than %(max)s characters."), what=what,
                           max=COMMENT_MAX))
    return problems


def check_evaluation(objective_count: int, objectives: list[tuple[str, str]], behaviour: tuple[str, str],
                     skills: tuple[str, str]) -> list[Message]:
    """Every objective rated once (in the agreement's order), plus behaviour and skills: the problems, empty when
    the evaluation may be recorded."""
    problems = []
    if len(objectives) != objective_count:
        problems.append(_m(gettext_noop("Rate each of the %(n)s objectives of the agreement (%(got)s rated)."),
                           n=objective_count, got=len(objectives)))
    for i, (value, comment) in enumerate(objectives, start=1):
        problems += check_rating(value, comment, _m(gettext_noop("objective %(n)s"), n=i))
    problems += check_rating(behaviour[0], behaviour[1], _m(gettext_noop("the behaviour")))
    problems += check_rating(skills[0], skills[1], _m(gettext_noop("the skills")))
    return problems


def objectives_met(ratings: list[str], total: int) -> tuple[int, int]:
    return sum(1 for r in ratings if r == ACQUIRED), total


def academic_year_start(day: datetime.date) -> datetime.date:
    year = day.year if day.month >= ACADEMIC_YEAR_MONTH else day.year - 1
    return datetime.date(year, ACADEMIC_YEAR_MONTH, 1)


def readiness_change(snapshots, day: datetime.date) -> dict | None:
    """From (month, score) pairs to the latest score and its change since the first snapshot of the academic year
    of ``day``; None without a snapshot. ``since`` is None when no snapshot falls in this academic year."""
    pairs = sorted((m, Decimal(s)) for m, s in snapshots if m <= day)
    if not pairs:
        return None
    last_month, last = pairs[-1]
    start = academic_year_start(day)
    year = [(m, s) for m, s in pairs if m >= start]
    first_month, first = year[0] if year else (None, None)
    return {"score": last, "month": last_month, "since": first_month, "start_score": first,
            "change": (last - first) if first is not None else None, "year_start": start}
