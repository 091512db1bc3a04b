"""Certification prerequisites as pure functions over simple inputs (no Django).

`StudentRecord` is gathered from the student's record (cohort programme, internships/apprenticeships,
software mastery, portfolio) by `exams.services.gather_student_record`; `check_all` returns one
`PrereqResult` per prerequisite, met or missing with the reason, exemptions applied; `label` states a
prerequisite with the certification's requirements. Reasons and labels are `lms.messages.Message`s
(English templates + parameters) that the pages render in the viewer's language.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from lms.messages import Message, gettext_noop, ngettext_lazy

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


# Message templates (English; marked for makemessages, rendered in the viewer's language by the pages
# through lms.templatetags.i18n_messages.localize). `PrereqResult.message` = the template of its key
# with its params.
MESSAGES = {
    "no_programme": gettext_noop("no programme on record"),
    "wrong_domain": gettext_noop("programme “%(programme)s” is in %(actual)s; a curriculum in %(domain)s is required"),
    "level_low": gettext_noop("programme level Bac+%(level)s is below Bac+%(min)s"),
    "curriculum_ok": gettext_noop("%(programme)s (Bac+%(level)s, %(domain)s)"),
    "experience_ok": ngettext_lazy("%(months)s month of internships/apprenticeships",
                                   "%(months)s months of internships/apprenticeships", "months"),
    "experience_low": ngettext_lazy("%(months)s month of practical experience, %(min)s required",
                                    "%(months)s months of practical experience, %(min)s required", "months"),
    "software_ok": gettext_noop("%(names)s (%(level)s level or above)"),
    "software_low": ngettext_lazy(
        "%(n)s professional software package at %(level)s level or above, %(min)s required",
        "%(n)s professional software packages at %(level)s level or above, %(min)s required", "n"),
    "portfolio_ok": ngettext_lazy("%(n)s documented project", "%(n)s documented projects", "n"),
    "portfolio_low": ngettext_lazy("%(n)s documented project, %(min)s required",
                                   "%(n)s documented projects, %(min)s required", "n"),
    "exempted": gettext_noop("exemption: %(reason)s"),
}

# What each prerequisite asks, with the certification's own requirements.
LABELS = {
    CURRICULUM: gettext_noop("Curriculum in %(domain)s, Bac+%(min)s or above"),
    EXPERIENCE: ngettext_lazy("At least %(min)s month of practical experience (internship/apprenticeship)",
                              "At least %(min)s months of practical experience (internship/apprenticeship)", "min"),
    SOFTWARE: ngettext_lazy("At least %(min)s professional software package at %(level)s level or above",
                            "At least %(min)s professional software packages at %(level)s level or above", "min"),
    PORTFOLIO: ngettext_lazy("Portfolio of at least %(min)s documented project",
                             "Portfolio of at least %(min)s documented projects", "min"),
}

# Programme domains (partnerships.Programme.Domain) and software expertise levels, as shown in sentences.
DOMAINS = {
    "sound": gettext_noop("audio/sound"),
    "cinema": gettext_noop("cinema"),
    "lighting": gettext_noop("stage lighting"),
    "animation": gettext_noop("animation"),
    "other": gettext_noop("other domain"),
}
LEVELS = {
    "notions": gettext_noop("notions"),
    "beginner": gettext_noop("beginner"),
    "operational": gettext_noop("operational"),
    "advanced": gettext_noop("advanced"),
    "expert": gettext_noop("expert"),
}


def _name(names: dict, code: str | None):
    """A domain or level as a translatable message (an unknown code is shown as it is)."""
    return Message(names[code]) if code in names else (code or "")


def label(code: str, req: Requirements) -> Message:
    """The prerequisite as the certification states it ("At least 3 months of practical experience…")."""
    return Message(LABELS[code], {"domain": _name(DOMAINS, req.domain), "min": {
        CURRICULUM: req.min_degree_level, EXPERIENCE: req.min_experience_months, SOFTWARE: req.min_software,
        PORTFOLIO: req.min_portfolio_projects}[code], "level": _name(LEVELS, req.min_software_level)})


@dataclass(frozen=True)
class PrereqResult:
    code: str
    met: bool
    key: str
    params: dict = field(default_factory=dict)
    exempted: bool = False

    @property
    def message(self) -> Message:
        """Why it is met or missing, for the pages (``lms.templatetags.i18n_messages.localize``)."""
        return Message(MESSAGES[self.key], self.params)

    @property
    def reason(self) -> str:
        """The same in English (registration record, tests)."""
        return str(self.message)


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
        return PrereqResult(CURRICULUM, False, "wrong_domain", {"programme": rec.programme_name or "",
                                                                "actual": _name(DOMAINS, rec.programme_domain),
                                                                "domain": _name(DOMAINS, req.domain)})
    if (rec.degree_level or 0) < req.min_degree_level:
        return PrereqResult(CURRICULUM, False, "level_low", {"level": rec.degree_level, "min": req.min_degree_level})
    return PrereqResult(CURRICULUM, True, "curriculum_ok", {"programme": rec.programme_name or "",
                                                            "level": rec.degree_level,
                                                            "domain": _name(DOMAINS, rec.programme_domain)})


def check_experience(rec: StudentRecord, req: Requirements) -> PrereqResult:
    months = months_of_experience(rec.experience, rec.today or date.today())
    if months >= req.min_experience_months:
        return PrereqResult(EXPERIENCE, True, "experience_ok", {"months": months})
    return PrereqResult(EXPERIENCE, False, "experience_low", {"months": months, "min": req.min_experience_months})


def check_software(rec: StudentRecord, req: Requirements) -> PrereqResult:
    floor = level_rank(req.min_software_level)
    mastered = sorted({name for name, level in rec.software if level_rank(level) >= floor})
    if len(mastered) >= req.min_software:
        return PrereqResult(SOFTWARE, True, "software_ok",
                            {"names": ", ".join(mastered), "level": _name(LEVELS, req.min_software_level)})
    return PrereqResult(SOFTWARE, False, "software_low",
                        {"n": len(mastered), "level": _name(LEVELS, req.min_software_level), "min": req.min_software})


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
