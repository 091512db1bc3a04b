"""Pure computations of the dashboards (no Django, no database): one student's row, cohort aggregates.

Inputs are the plain dicts of the cross-app selectors; every rate is a Decimal percentage
or None when its denominator is empty.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
INACTIVE_DAYS = 14
PROGRESS_BUCKETS = ((0, 20), (20, 40), (40, 60), (60, 80), (80, 101))


def rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def mean(values) -> Decimal | None:
    values = [Decimal(v) for v in values if v is not None]
    if not values:
        return None
    return (sum(values) / len(values)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class StudentRow:
    user_id: int
    name: str
    email: str
    cohort_id: int
    courses: list = field(default_factory=list)
    exams: list = field(default_factory=list)
    credentials: list = field(default_factory=list)
    progress_pct: Decimal | None = None
    grade_pct: Decimal | None = None
    completed: bool = False
    attempts: int = 0
    exam_passed: bool = False
    certified: bool = False
    certification_status: str = "not_started"
    badge: str = ""
    last_activity: datetime | None = None
    risks: list = field(default_factory=list)

    @property
    def at_risk(self) -> bool:
        return bool(self.risks)


def _latest(*values):
    values = [v for v in values if v is not None]
    return max(values) if values else None


CERT_STATUS_ORDER = ["passed", "awaiting_grading", "in_progress", "failed", "not_started"]


def student_row(user_id, name, email, cohort_id, courses, exams, credentials, now: datetime) -> StudentRow:
    """One student's row; the last activity is the latest of their courses' (lessons, submissions) and attempts'."""
    row = StudentRow(user_id, name, email, cohort_id, list(courses or []), list(exams or []), list(credentials or []))
    if row.courses:
        row.progress_pct = mean(c.get("progress_pct") for c in row.courses)
        row.grade_pct = mean(c.get("grade_pct") for c in row.courses)
        row.completed = all(Decimal(c.get("progress_pct") or 0) >= HUNDRED for c in row.courses)
    row.attempts = sum(int(e.get("attempts") or 0) for e in row.exams)
    row.exam_passed = any(e.get("passed") for e in row.exams)
    certs = [e for e in row.exams if e.get("certification")]
    row.certified = any(e.get("passed") for e in certs)
    if certs:
        statuses = {e.get("status") or "not_started" for e in certs}
        row.certification_status = next(s for s in CERT_STATUS_ORDER if s in statuses or s == "not_started")
    valid = [c for c in row.credentials if c.get("status") == "valid"]
    row.badge = valid[0].get("name", "") if valid else ""
    row.last_activity = _latest(*(c.get("last_activity") for c in row.courses),
                                *(e.get("last_attempt_at") for e in row.exams))
    if row.last_activity is None or now - row.last_activity > timedelta(days=INACTIVE_DAYS):
        row.risks.append("inactive")
    if any(c.get("passed") is False for c in row.courses) or any(
        e.get("status") == "failed" and not e.get("passed") for e in row.exams
    ):
        row.risks.append("below_pass_mark")
    return row


@dataclass
class Aggregates:
    students: int
    completion_rate: Decimal | None
    average_grade: Decimal | None
    exam_pass_rate: Decimal | None
    certification_rate: Decimal | None
    at_risk: int
    average_progress: Decimal | None


def aggregate(rows: list[StudentRow]) -> Aggregates:
    enrolled = [r for r in rows if r.courses]
    attempted = [r for r in rows if r.attempts]
    return Aggregates(
        students=len(rows),
        completion_rate=rate(sum(1 for r in enrolled if r.completed), len(enrolled)),
        average_grade=mean(r.grade_pct for r in rows),
        exam_pass_rate=rate(sum(1 for r in attempted if r.exam_passed), len(attempted)),
        certification_rate=rate(sum(1 for r in rows if r.certified), len(rows)),
        at_risk=sum(1 for r in rows if r.at_risk),
        average_progress=mean(r.progress_pct for r in rows),
    )


def progress_distribution(rows: list[StudentRow]) -> list[tuple[str, int]]:
    """Students per progress bucket (0–19 %, …, 80–100 %); students without a course are left out."""
    counts = [0] * len(PROGRESS_BUCKETS)
    for r in rows:
        if r.progress_pct is None:
            continue
        for i, (lo, hi) in enumerate(PROGRESS_BUCKETS):
            if lo <= r.progress_pct < hi:
                counts[i] += 1
                break
    labels = [f"{lo}–{min(hi, 100) - (0 if hi > 100 else 1)}" for lo, hi in PROGRESS_BUCKETS]
    labels[-1] = "80–100"
    return list(zip(labels, counts))


def component_columns(rows: list[StudentRow]) -> list[str]:
    """Component labels across the students' courses, in first-seen order (table columns)."""
    seen: dict[str, None] = {}
    for r in rows:
        for c in r.courses:
            for label in (c.get("components") or {}):
                seen.setdefault(label, None)
    return list(seen)


def component_means(row: StudentRow, columns: list[str]) -> list[Decimal | None]:
    return [mean((c.get("components") or {}).get(col) for c in row.courses) for col in columns]
