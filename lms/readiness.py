"""Job-readiness score (brief §3.1 `job_readiness_score`, §3.2 "Score employabilité: 78/100").

A PURE function: no Django, no database. `lms.readiness_inputs.gather(user)` collects the inputs
from each app's selectors; this module turns them into a score from 0 to 100 that a student can
understand, through the weighted-scheme engine `lms.scoring` (weights sum to exactly 100).

Each component is scored as a percentage of its target, capped at 100 %, then weighted:

| key            | weight | 100 % when                                                              |
| -------------- | ------ | ----------------------------------------------------------------------- |
| profile        | 10     | every item of the profile checklist is filled                           |
| skills         | 15     | five technical skills at level 5 (mean of the best five levels / 5)     |
| software       | 10     | two pieces of software at level 4 "advanced" or more (brief: "Maîtrise  |
|                |        | 2 logiciels pro"); a level-3 one counts half                            |
| experience     | 20     | six months of practical experience (internships, apprenticeships, jobs; |
|                |        | overlapping periods counted once; the brief's prerequisite is 3 months) |
| portfolio      | 15     | five documented portfolio projects (brief: "Portfolio 5 projets")       |
| learning       | 15     | three Flow Stage modules passed (half) and 10 ECTS earned (half)        |
| certifications | 10     | one certification passed or one valid badge                             |
| network        | 5      | ten points of network: one per connection, three per mentor             |

Points of a component = its percentage × weight / 100; the score is their sum, kept exact (Decimal)
and shown rounded half-up to a whole number.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from lms import scoring

ZERO, ONE, HUNDRED = Decimal(0), Decimal(1), Decimal(100)

# key, English label (the pages translate by key), weight
COMPONENTS = (
    ("profile", "Profile completeness", "10"),
    ("skills", "Technical skills", "15"),
    ("software", "Software mastery", "10"),
    ("experience", "Practical experience", "20"),
    ("portfolio", "Portfolio", "15"),
    ("learning", "Modules and ECTS", "15"),
    ("certifications", "Certifications", "10"),
    ("network", "Professional network", "5"),
)
SCHEME = scoring.Scheme.of(COMPONENTS, pass_mark="0")

TARGET_SKILLS = 5  # best N technical skills considered
TARGET_SOFTWARE = 2  # pieces of software mastered (level >= 4)
TARGET_EXPERIENCE_MONTHS = Decimal(6)
TARGET_PORTFOLIO = 5
TARGET_MODULES = 3
TARGET_ECTS = Decimal(10)
TARGET_CERTIFICATIONS = 1
TARGET_NETWORK = 10
MENTOR_NETWORK_POINTS = 3
MAX_LEVEL = 5


@dataclass(frozen=True)
class ReadinessInputs:
    profile_items_filled: int = 0
    profile_items_total: int = 1
    technical_levels: tuple[int, ...] = ()
    software_levels: tuple[int, ...] = ()
    experience_months: Decimal = ZERO
    verified_experience_months: Decimal = ZERO  # of experience_months: internships completed on the platform
    portfolio_items: int = 0
    modules_passed: int = 0
    ects_earned: Decimal = ZERO
    certifications: int = 0
    connections: int = 0
    mentors: int = 0


@dataclass(frozen=True)
class ComponentScore:
    key: str
    label: str
    weight: Decimal
    percent: Decimal  # 0–100, how much of the target is reached
    points: Decimal  # percent × weight / 100
    detail: dict = field(default_factory=dict)  # the figures behind the percentage, for explanations


@dataclass(frozen=True)
class ReadinessResult:
    score: Decimal  # exact, 0–100
    components: tuple[ComponentScore, ...]

    @property
    def rounded(self) -> int:
        return int(self.score.quantize(ONE, rounding=ROUND_HALF_UP))

    def as_json(self) -> dict:
        """Plain JSON-able form, stored in monthly snapshots."""
        return {
            c.key: {"weight": str(c.weight), "percent": str(round_(c.percent, 2)), "points": str(round_(c.points, 2))}
            for c in self.components
        }


def round_(value: Decimal, places: int = 1) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _ratio(value, target) -> Decimal:
    """value / target as a percentage, capped to [0, 100]."""
    value, target = Decimal(value), Decimal(target)
    if target <= 0 or value <= 0:
        return ZERO
    return min(value / target, ONE) * HUNDRED


def _clamp_level(level) -> int:
    return max(0, min(MAX_LEVEL, int(level)))


def component_percentages(i: ReadinessInputs) -> dict[str, tuple[Decimal, dict]]:
    """Percentage of each component's target reached, with the figures that explain it."""
    out: dict[str, tuple[Decimal, dict]] = {}
    total = max(int(i.profile_items_total), 0)
    filled = max(0, min(int(i.profile_items_filled), total))
    out["profile"] = (_ratio(filled, total), {"filled": filled, "total": total})

    best = sorted((_clamp_level(x) for x in i.technical_levels), reverse=True)[:TARGET_SKILLS]
    out["skills"] = (_ratio(sum(best), TARGET_SKILLS * MAX_LEVEL),
                     {"count": len(i.technical_levels), "best": best})

    # Advanced (4) or expert (5) counts fully; operational (3) counts half.
    soft_points = sorted(
        (ONE if _clamp_level(x) >= 4 else Decimal("0.5") if _clamp_level(x) == 3 else ZERO for x in i.software_levels),
        reverse=True,
    )[:TARGET_SOFTWARE]
    mastered = sum(1 for x in i.software_levels if _clamp_level(x) >= 4)
    out["software"] = (_ratio(sum(soft_points, ZERO), TARGET_SOFTWARE), {"mastered": mastered})

    months = max(scoring.as_decimal(i.experience_months, "experience months"), ZERO)
    verified = min(max(scoring.as_decimal(i.verified_experience_months, "verified months"), ZERO), months)
    out["experience"] = (_ratio(months, TARGET_EXPERIENCE_MONTHS), {"months": round_(months, 1),
                                                                     "verified_months": round_(verified, 1)})

    out["portfolio"] = (_ratio(i.portfolio_items, TARGET_PORTFOLIO), {"items": max(int(i.portfolio_items), 0)})

    modules = max(int(i.modules_passed), 0)
    ects = max(scoring.as_decimal(i.ects_earned, "ECTS"), ZERO)
    learning = (_ratio(modules, TARGET_MODULES) + _ratio(ects, TARGET_ECTS)) / 2
    out["learning"] = (learning, {"modules": modules, "ects": ects})

    out["certifications"] = (_ratio(i.certifications, TARGET_CERTIFICATIONS),
                             {"count": max(int(i.certifications), 0)})

    connections, mentors = max(int(i.connections), 0), max(int(i.mentors), 0)
    out["network"] = (_ratio(connections + MENTOR_NETWORK_POINTS * mentors, TARGET_NETWORK),
                      {"connections": connections, "mentors": mentors})
    return out


def job_readiness(inputs: ReadinessInputs) -> ReadinessResult:
    """The job-readiness score of one student (0–100), with each component's weight and points."""
    parts = component_percentages(inputs)
    result = scoring.score(SCHEME, {k: pct for k, (pct, _detail) in parts.items()})
    comps = tuple(
        ComponentScore(
            key=r.component.key, label=r.component.label, weight=r.component.weight,
            percent=r.score, points=r.contribution, detail=parts[r.component.key][1],
        )
        for r in result.breakdown
    )
    return ReadinessResult(score=result.total, components=comps)


# --- helpers for the inputs (pure) -------------------------------------------------------------

def experience_months(periods, today: datetime.date) -> Decimal:
    """Months of practical experience in (start, end|None) date periods; overlaps are counted once,
    an open period runs to `today`, future parts are ignored. A month is 30.4375 days."""
    spans = []
    for start, end in periods:
        if start is None:
            continue
        end = today if end is None else min(end, today)
        if end < start:
            continue
        spans.append((start, end))
    spans.sort()
    days = 0
    cur_start = cur_end = None
    for start, end in spans:
        if cur_end is None or start > cur_end + datetime.timedelta(days=1):
            if cur_end is not None:
                days += (cur_end - cur_start).days + 1
            cur_start, cur_end = start, end
        else:
            cur_end = max(cur_end, end)
    if cur_end is not None:
        days += (cur_end - cur_start).days + 1
    return Decimal(days) / Decimal("30.4375")


def trend(snapshots) -> dict | None:
    """From (month, score) pairs (any order) to the brief's "78/100 (+45 depuis M1)": the latest score,
    the first month and the change since it. None without snapshots."""
    pairs = sorted((m, Decimal(s)) for m, s in snapshots)
    if not pairs:
        return None
    first_month, first = pairs[0]
    last_month, last = pairs[-1]
    return {
        "first_month": first_month, "first": round_(first, 0), "last_month": last_month,
        "last": round_(last, 0), "delta": int(round_(last, 0) - round_(first, 0)), "months": len(pairs),
    }


def trend_points(snapshots, today: datetime.date, score) -> list[tuple[datetime.date, Decimal]]:
    """The progress chart's points: the monthly snapshots of the months before this one, then today's score, so
    the chart ends where the score shown beside it stands (this month's snapshot, taken on the 1st, is older)."""
    month_start = today.replace(day=1)
    points = sorted((m, Decimal(s)) for m, s in snapshots if m < month_start)
    return [*points, (today, Decimal(score))]
