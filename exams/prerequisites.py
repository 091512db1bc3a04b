"""Certification prerequisites as pure functions over simple inputs (no Django).

`StudentRecord` is gathered from the student's record (cohort programme, internships/apprenticeships,
software mastery, portfolio) by `exams.services.gather_student_record`; `check_all` returns one
`PrereqResult` per prerequisite, met or missing with the reason, exemptions applied.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

CURRICULUM = "curriculum"
EXPERIENCE = "experience"
SOFTWARE = "software"
PORTFOLIO = "portfolio"
CODES = (CURRICULUM, EXPERIENCE, SOFTWARE, PORTFOLIO)

EXPERTISE_ORDER = ("notions", "beginner", "operational", "advanced", "expert")


@dataclass(frozen=True)
class Requirements:
    domain: str = "sound"
    min_degree_level: int = 2
    min_experience_months: int = 3
    min_software: int = 2
    min_software_level: str = "advanced"
    min_portfolio_projects: int = 5


@dataclass(frozen=True)
class Period:
    start: date
    end: date | None  # None = ongoing
    label: str = ""


@dataclass
class StudentRecord:
    programme_name: str | None = None
    programme_domain: str | None = None
    degree_level: int | None = None
    experience: list[Period] = field(default_factory=list)
    software: list[tuple[str, str]] = field(default_factory=list)  # (name, expertise level)
    portfolio_projects: int = 0
    today: date | None = None


@dataclass(frozen=True)
class PrereqResult:
    code: str
    met: bool
    reason: str
    exempted: bool = False


def months_of_experience(periods: list[Period], today: date) -> int:
    """Whole months covered by the union of the periods (overlaps counted once; 30 days = 1 month)."""
    spans = sorted((p.start, min(p.end or today, today)) for p in periods if p.start <= today)
    days, cur_start, cur_end = 0, None, None
    for start, end in spans:
        if end < start:
            continue
        if cur_end is None or start > cur_end:
            if cur_end is not None:
                days += (cur_end - cur_start).days + 1
            cur_start, cur_end = start, end
        else:
            cur_end = max(cur_end, end)
    if cur_end is not None:
        days += (cur_end - cur_start).days + 1
    return days // 30


def level_rank(level: str) -> int:
    level = (level or "").lower()
    return EXPERTISE_ORDER.index(level) if level in EXPERTISE_ORDER else -1


def check_curriculum(rec: StudentRecord, req: Requirements) -> PrereqResult:
    if rec.programme_domain is None:
        return PrereqResult(CURRICULUM, False, "no programme on record")
    if rec.programme_domain != req.domain:
        return PrereqResult(CURRICULUM, False, f"programme {rec.programme_name!r} is not an audio/sound curriculum")
    if (rec.degree_level or 0) < req.min_degree_level:
        return PrereqResult(
            CURRICULUM, False, f"programme level Bac+{rec.degree_level} is below Bac+{req.min_degree_level}"
        )
    return PrereqResult(CURRICULUM, True, f"{rec.programme_name} (Bac+{rec.degree_level}, sound)")


def check_experience(rec: StudentRecord, req: Requirements) -> PrereqResult:
    months = months_of_experience(rec.experience, rec.today or date.today())
    if months >= req.min_experience_months:
        return PrereqResult(EXPERIENCE, True, f"{months} months of internships/apprenticeships")
    return PrereqResult(
        EXPERIENCE, False, f"{months} months of practical experience, {req.min_experience_months} required"
    )


def check_software(rec: StudentRecord, req: Requirements) -> PrereqResult:
    floor = level_rank(req.min_software_level)
    mastered = sorted({name for name, level in rec.software if level_rank(level) >= floor})
    if len(mastered) >= req.min_software:
        return PrereqResult(SOFTWARE, True, ", ".join(mastered))
    return PrereqResult(
        SOFTWARE, False,
        f"{len(mastered)} professional software package(s) at {req.min_software_level} level or above, "
        f"{req.min_software} required",
    )


def check_portfolio(rec: StudentRecord, req: Requirements) -> PrereqResult:
    n = rec.portfolio_projects
    if n >= req.min_portfolio_projects:
        return PrereqResult(PORTFOLIO, True, f"{n} documented projects")
    return PrereqResult(PORTFOLIO, False, f"{n} documented project(s), {req.min_portfolio_projects} required")


CHECKS = {CURRICULUM: check_curriculum, EXPERIENCE: check_experience, SOFTWARE: check_software,
          PORTFOLIO: check_portfolio}


def check_all(rec: StudentRecord, req: Requirements, exemptions: dict[str, str] | None = None) -> list[PrereqResult]:
    """Every prerequisite; an exemption (code -> reason) turns a missing one into met ("exempted")."""
    exemptions = exemptions or {}
    results = []
    for code in CODES:
        r = CHECKS[code](rec, req)
        if not r.met and code in exemptions:
            r = PrereqResult(code, True, f"exemption: {exemptions[code]}", exempted=True)
        results.append(r)
    return results


def all_met(results: list[PrereqResult]) -> bool:
    return all(r.met for r in results)
