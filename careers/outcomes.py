"""Placement outcomes and the figures computed from them (pure: no Django, no database).

Rules, stated once:
- Employed = hired on a permanent contract (CDI), a fixed-term contract (CDD), or freelance / intermittent. Further
  study and searching are not employment.
- The six-month survey is due six calendar months after a cohort's graduation date (the 31st falls back to the
  month's last day); one reminder 14 days after the first e-mail when unanswered; the link expires 60 days after
  it was sent and is good for one answer.
- Employment within six months of graduation: among the graduates whose six months are over, those with an
  employed outcome that started no later than six months after their graduation date.
- Internship → job conversion: among completed internships and apprenticeships, those after which the student was
  employed by the host organisation (an employed outcome linked to the agreement, or naming the host employer and
  starting after the placement's start).
- Partner employers recruiting in a year: the distinct partner employers named on employed outcomes that started
  that year.
- Net promoter score: answers 0–10; promoters 9–10, detractors 0–6; NPS = % promoters − % detractors, from −100 to
  +100, one decimal; None without answers.
- Alumni retention: among the graduates whose graduation date is at least 90 days past, those who signed in during
  the last 90 days.
Every rate is a Decimal percentage with one decimal, or None when its denominator is empty.
"""
from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

PERMANENT, FIXED_TERM, FREELANCE, STUDY, SEARCHING = "cdi", "cdd", "freelance", "study", "searching"
STATUSES = (PERMANENT, FIXED_TERM, FREELANCE, STUDY, SEARCHING)
EMPLOYED = frozenset({PERMANENT, FIXED_TERM, FREELANCE})

SURVEY_AFTER_MONTHS = 6
REMINDER_AFTER_DAYS = 14
LINK_VALID_DAYS = 60
RETENTION_DAYS = 90
HUNDRED = Decimal(100)
ONE_DECIMAL = Decimal("0.1")


def rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(ONE_DECIMAL, ROUND_HALF_UP)


def add_months(day: datetime.date, months: int) -> datetime.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- the six-month survey ------------------------------------------------------------------------------------------

def survey_due_on(graduated_on: datetime.date) -> datetime.date:
    return add_months(graduated_on, SURVEY_AFTER_MONTHS)


SEND, REMIND = "send", "remind"


def survey_action(graduated_on: datetime.date, today: datetime.date, sent_on: datetime.date | None,
                  reminded_on: datetime.date | None, answered: bool, has_outcome: bool = False) -> str | None:
    """What the daily run owes one graduate: SEND the first e-mail, REMIND once, or nothing. A graduate who already
    has an outcome after graduation is not asked."""
    if answered:
        return None
    if sent_on is None:
        if has_outcome or today < survey_due_on(graduated_on):
            return None
        return SEND
    if reminded_on is None and today >= sent_on + datetime.timedelta(days=REMINDER_AFTER_DAYS):
        return REMIND
    return None


OK, ANSWERED, EXPIRED = "ok", "answered", "expired"


def link_state(sent_at: datetime.datetime, now: datetime.datetime, answered: bool) -> str:
    """Answered twice → ANSWERED (409), after LINK_VALID_DAYS → EXPIRED (410), else OK."""
    if answered:
        return ANSWERED
    if now > sent_at + datetime.timedelta(days=LINK_VALID_DAYS):
        return EXPIRED
    return OK


# --- facts the figures read ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OutcomeFact:
    student_id: int
    stage: str  # "placement" | "graduation"
    status: str
    started_on: datetime.date
    employer_id: int | None = None
    agreement_id: int | None = None

    @property
    def employed(self) -> bool:
        return self.status in EMPLOYED


@dataclass(frozen=True)
class PlacementFact:
    agreement_id: int
    student_id: int
    employer_id: int
    start: datetime.date
    end: datetime.date
    cohort_id: int | None = None


@dataclass(frozen=True)
class GraduateFact:
    student_id: int
    cohort_id: int
    graduated_on: datetime.date
    last_login: datetime.date | None = None


@dataclass
class Ratio:
    part: int
    whole: int

    @property
    def pct(self) -> Decimal | None:
        return rate(self.part, self.whole)


# --- figures -------------------------------------------------------------------------------------------------------

def placements_by_state(placements, today: datetime.date) -> dict[str, int]:
    """Signed placements not started yet, in progress (today within their dates), completed (ended)."""
    counts = {"upcoming": 0, "in_progress": 0, "completed": 0}
    for p in placements:
        if today < p.start:
            counts["upcoming"] += 1
        elif today <= p.end:
            counts["in_progress"] += 1
        else:
            counts["completed"] += 1
    return counts


def converted(placement: PlacementFact, outcomes) -> bool:
    for o in outcomes:
        if o.student_id != placement.student_id or not o.employed:
            continue
        if o.agreement_id == placement.agreement_id:
            return True
        if o.employer_id is not None and o.employer_id == placement.employer_id and o.started_on >= placement.start:
            return True
    return False


def conversion(placements, outcomes, today: datetime.date) -> Ratio:
    """Completed placements after which the host organisation employed the student."""
    by_student: dict[int, list] = {}
    for o in outcomes:
        by_student.setdefault(o.student_id, []).append(o)
    done = [p for p in placements if p.end < today]
    return Ratio(sum(1 for p in done if converted(p, by_student.get(p.student_id, ()))), len(done))


def employment_within_six_months(graduates, outcomes, today: datetime.date) -> Ratio:
    """Graduates whose six months are over, and among them those employed no later than six months after
    graduation (an outcome of either stage counts: a job that followed the internship and continues)."""
    by_student: dict[int, list] = {}
    for o in outcomes:
        by_student.setdefault(o.student_id, []).append(o)
    whole = part = 0
    for g in graduates:
        due = survey_due_on(g.graduated_on)
        if today < due:
            continue
        whole += 1
        if any(o.employed and o.started_on <= due for o in by_student.get(g.student_id, ())):
            part += 1
    return Ratio(part, whole)


def _recency(o: OutcomeFact):
    return (o.stage == "graduation", o.started_on)


def outcome_breakdown(graduates, outcomes, today: datetime.date) -> dict[str, int]:
    """Each graduate past their six months by their latest outcome (status code), or "unknown" without one."""
    latest: dict[int, OutcomeFact] = {}
    for o in outcomes:
        best = latest.get(o.student_id)
        if best is None or _recency(o) > _recency(best):
            latest[o.student_id] = o
    counts = {code: 0 for code in (*STATUSES, "unknown")}
    for g in graduates:
        if today < survey_due_on(g.graduated_on):
            continue
        o = latest.get(g.student_id)
        counts[o.status if o else "unknown"] += 1
    return counts


def recruiting_employers(outcomes, partner_ids, year: int) -> set[int]:
    partner_ids = set(partner_ids)
    return {o.employer_id for o in outcomes
            if o.employed and o.employer_id in partner_ids and o.started_on.year == year}


def alumni_retention(graduates, today: datetime.date) -> Ratio:
    window = datetime.timedelta(days=RETENTION_DAYS)
    alumni = [g for g in graduates if g.graduated_on + window <= today]
    return Ratio(sum(1 for g in alumni if g.last_login is not None and g.last_login > today - window), len(alumni))


@dataclass
class Nps:
    distribution: list = field(default_factory=lambda: [0] * 11)
    answers: int = 0
    promoters: int = 0
    passives: int = 0
    detractors: int = 0
    score: Decimal | None = None
    mean: Decimal | None = None


def nps(scores) -> Nps:
    """Distribution of the 0–10 answers and the net promoter score. A score out of 0–10 is a ValueError."""
    result = Nps()
    total = 0
    for s in scores:
        s = int(s)
        if not 0 <= s <= 10:
            raise ValueError(f"NPS answer out of range: {s}")
        result.distribution[s] += 1
        total += s
    result.answers = sum(result.distribution)
    result.promoters = result.distribution[9] + result.distribution[10]
    result.detractors = sum(result.distribution[:7])
    result.passives = result.answers - result.promoters - result.detractors
    if result.answers:
        result.score = ((Decimal(result.promoters) - Decimal(result.detractors)) * HUNDRED
                        / Decimal(result.answers)).quantize(ONE_DECIMAL, ROUND_HALF_UP)
        result.mean = (Decimal(total) / Decimal(result.answers)).quantize(ONE_DECIMAL, ROUND_HALF_UP)
    return result


@dataclass
class CohortPlacement:
    cohort_id: int
    graduated_on: datetime.date
    students: int
    upcoming: int
    in_progress: int
    completed: int
    conversion: Ratio
    employment: Ratio
    survey_due_on: datetime.date
    breakdown: dict


def by_cohort(cohorts, members, placements, outcomes, today: datetime.date) -> list[CohortPlacement]:
    """``cohorts``: (cohort_id, graduated_on) pairs; ``members``: (cohort_id, student_id) pairs. A placement counts in
    the cohorts of its student."""
    students_of: dict[int, set] = {}
    for cohort_id, student_id in members:
        students_of.setdefault(cohort_id, set()).add(student_id)
    rows = []
    for cohort_id, graduated_on in cohorts:
        ids = students_of.get(cohort_id, set())
        mine = [p for p in placements if p.student_id in ids]
        theirs = [o for o in outcomes if o.student_id in ids]
        graduates = [GraduateFact(s, cohort_id, graduated_on) for s in sorted(ids)]
        states = placements_by_state(mine, today)
        rows.append(CohortPlacement(
            cohort_id, graduated_on, len(ids), states["upcoming"], states["in_progress"], states["completed"],
            conversion(mine, theirs, today), employment_within_six_months(graduates, theirs, today),
            survey_due_on(graduated_on), outcome_breakdown(graduates, theirs, today)))
    return rows
