"""Gather the job-readiness inputs of one student from each app's selectors."""
from __future__ import annotations

import datetime
import logging
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from badges import selectors as badges_selectors
from careers import selectors as careers_selectors
from courses import selectors as courses_selectors
from exams import selectors as exams_selectors
from lms.accounts import selectors as profile_selectors
from lms.accounts import services as profile_services
from lms.readiness import ReadinessInputs, ReadinessResult, experience_months, job_readiness

log = logging.getLogger(__name__)

# Translated labels and explanations of the components, by key (the pure module stays English).
LABELS = {
    "profile": _("Profile completeness"),
    "skills": _("Technical skills"),
    "software": _("Software mastery"),
    "experience": _("Practical experience"),
    "portfolio": _("Portfolio"),
    "learning": _("Modules and ECTS"),
    "certifications": _("Certifications"),
    "network": _("Professional network"),
}
EXPLANATIONS = {
    "profile": _("Every item of the profile checklist filled in."),
    "skills": _("Your five best technical skills, out of five levels each."),
    "software": _("Two pieces of software at “advanced” or better (“operational” counts half)."),
    "experience": _("Six months of internships, apprenticeships or jobs (overlaps counted once)."),
    "portfolio": _("Five documented portfolio projects."),
    "learning": _("Three Flow Stage modules passed and 10 ECTS earned."),
    "certifications": _("One certification passed or one valid badge."),
    "network": _("Ten points: one per connection, three per mentor."),
}


# Where each input comes from: "verified" (a record of the platform: a module passed, an exam, a co-signed internship
# report), "declared" (typed by the student on their profile), or "mixed" (both, the verified part said in figures).
SOURCES = {
    "profile": "declared", "skills": "declared", "software": "declared", "experience": "mixed",
    "portfolio": "declared", "learning": "verified", "certifications": "verified", "network": "declared",
}
SOURCE_LABELS = {
    "declared": _("Declared by you"),
    "verified": _("Verified by the platform"),
    "mixed": _("Declared, partly verified"),
}


def gather(user, today: datetime.date | None = None) -> ReadinessInputs:
    today = today or timezone.localdate()
    profile = profile_services.get_or_create_profile(user)
    data = profile_selectors.profile_data(profile)
    done = profile_selectors.completeness(data)

    verified_periods = careers_selectors.completed_internship_periods(user)
    periods = [(i.start, i.end) for i in data.internships] + verified_periods
    learning = courses_selectors.learning_summary(user)
    certs = exams_selectors.certification_summary(user)
    badges = badges_selectors.credentials_for_user(user)
    # certifications only: a module's credential is counted through its ECTS credits (learning summary)
    valid_badges = sum(1 for b in badges if b.get("status") == "valid" and b.get("kind") != "module")
    passed = len(certs.get("certifications_passed") or [])

    return ReadinessInputs(
        profile_items_filled=done["filled"],
        profile_items_total=done["total"],
        technical_levels=tuple(s.level for s in data.technical_skills),
        software_levels=tuple(s.level for s in data.software_skills),
        experience_months=experience_months(periods, today),
        verified_experience_months=experience_months(verified_periods, today),
        portfolio_items=len(data.portfolio),
        modules_passed=int(learning.get("modules_passed") or 0),
        ects_earned=Decimal(learning.get("ects_earned") or 0),
        certifications=max(passed, valid_badges),
        connections=data.connections,
        mentors=len(data.mentors),
    )


def readiness_for(user, today=None) -> ReadinessResult:
    return job_readiness(gather(user, today))


def snapshot_user(user, month: datetime.date | None = None):
    """Compute the score now and store it as the snapshot of `month` (default: this month)."""
    month = month or timezone.localdate()
    result = readiness_for(user)
    return profile_services.record_readiness_snapshot(user, month, result.score, result.as_json())


def explained(result: ReadinessResult) -> list[dict]:
    """Components with translated labels, for templates."""
    rows = []
    for c in result.components:
        source = SOURCES.get(c.key, "declared")
        verified_months = c.detail.get("verified_months") if c.key == "experience" else None
        if source == "mixed" and not verified_months:
            source = "declared"
        rows.append({"key": c.key, "label": LABELS.get(c.key, c.label), "explanation": EXPLANATIONS.get(c.key, ""),
                     "weight": c.weight, "percent": c.percent, "points": c.points, "detail": c.detail,
                     "source": source, "source_label": SOURCE_LABELS[source], "verified_months": verified_months})
    return rows
