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


# English message templates; `reason` = MESSAGES[key] % params (pages translate the template).
MESSAGES = {
    "no_programme": "no programme on record",
    "not_sound": "programme %(programme)s is not an audio/sound curriculum",
    "level_low": "programme level Bac+%(level)s is below Bac+%(min)s",
    "curriculum_ok": "%(programme)s (Bac+%(level)s, sound)",
    "experience_ok": "%(months)s months of internships/apprenticeships",
    "experience_low": "%(months)s months of practical experience, %(min)s required",
    "software_ok": "%(names)s",
    "software_low": "%(n)s professional software package(s) at %(level)s level or above, %(min)s required",
    "portfolio_ok": "%(n)s documented projects",
    "portfolio_low": "%(n)s documented project(s), %(min)s required",
    "exempted": "exemption: %(reason)s",
}


@dataclass(frozen=True)
class PrereqResult:
    code: str
    met: bool
    key: str
    params: dict = field(default_factory=dict)
    exempted: bool = False

    @property
    def reason(self) -> str:
        return MESSAGES[self.key] % self.params


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
        return PrereqResult(CURRICULUM, False, "no_programme")
    if rec.programme_domain != req.domain:
        return PrereqResult(CURRICULUM, False, "not_sound", {"programme": f"« {rec.programme_name} »"})
    if (rec.degree_level or 0) < req.min_degree_level:
        return PrereqResult(CURRICULUM, False, "level_low", {"level": rec.degree_level, "min": req.min_degree_level})
    return PrereqResult(CURRICULUM, True, "curriculum_ok", {"programme": rec.programme_name, "level": rec.degree_level})


def check_experience(rec: StudentRecord, req: Requirements) -> PrereqResult:
    months = months_of_experience(rec.experience, rec.today or date.today())
    if months >= req.min_experience_months:
        return PrereqResult(EXPERIENCE, True, "experience_ok", {"months": months})
    return PrereqResult(EXPERIENCE, False, "experience_low", {"months": months, "min": req.min_experience_months})


def check_software(rec: StudentRecord, req: Requirements) -> PrereqResult:
    floor = level_rank(req.min_software_level)
    mastered = sorted({name for name, level in rec.software if level_rank(level) >= floor})
    if len(mastered) >= req.min_software:
        return PrereqResult(SOFTWARE, True, "software_ok", {"names": ", ".join(mastered)})
    return PrereqResult(SOFTWARE, False, "software_low",
                        {"n": len(mastered), "level": req.min_software_level, "min": req.min_software})


def check_portfolio(rec: StudentRecord, req: Requirements) -> PrereqResult:
    n = rec.portfolio_projects
    if n >= req.min_portfolio_projects:
        return PrereqResult(PORTFOLIO, True, "portfolio_ok", {"n": n})
    return PrereqResult(PORTFOLIO, False, "portfolio_low", {"n": n, "min": req.min_portfolio_projects})


CHECKS = {CURRICULUM: check_curriculum, EXPERIENCE: check_experience, SOFTWARE: check_software,
          PORTFOLIO: check_portfolio}


def check_all(rec: StudentRecord, req: Requirements, exemptions: dict[str, str] | None = None) -> list[PrereqResult]:
    """Every prerequisite; an exemption (code -> reason) turns a missing one into met ("exempted")."""
    exemptions = exemptions or {}
    results = []
    for code in CODES:
        r = CHECKS[code](rec, req)
        if not r.met and code in exemptions:
            r = PrereqResult(code, True, "exempted", {"reason": exemptions[code]}, exempted=True)
        results.append(r)
    return results


def all_met(results: list[PrereqResult]) -> bool:
    return all(r.met for r in results)
