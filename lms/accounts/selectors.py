"""Reads of the student profile, each a bounded number of queries (one per table)."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import (
    AcademicProject,
    AvailabilityPeriod,
    Connection,
    InternshipRecord,
    LanguageSkill,
    MentorRelation,
    PeerReview,
    PortfolioItem,
    ProjectParticipation,
    ReadinessSnapshot,
    SectorPreference,
    SoftwareSkill,
    Specialisation,
    StudentProfile,
    TargetRole,
    TechnicalSkill,
)


def profile_of(user) -> StudentProfile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return StudentProfile.objects.filter(user=user).first()


@dataclass
class ProfileData:
    profile: StudentProfile
    specialisations: list = field(default_factory=list)
    languages: list = field(default_factory=list)
    academic_projects: list = field(default_factory=list)
    technical_skills: list = field(default_factory=list)
    software_skills: list = field(default_factory=list)
    portfolio: list = field(default_factory=list)
    target_roles: list = field(default_factory=list)
    sectors: list = field(default_factory=list)
    availability: list = field(default_factory=list)
    mentors: list = field(default_factory=list)
    internships: list = field(default_factory=list)
    projects: list = field(default_factory=list)
    peer_reviews: list = field(default_factory=list)
    connections: int = 0


def profile_data(profile: StudentProfile) -> ProfileData:
    """Every row of a profile: one query per table, whatever the number of rows."""
    p = profile
    return ProfileData(
        profile=p,
        specialisations=list(Specialisation.objects.filter(profile=p)),
        languages=list(LanguageSkill.objects.filter(profile=p)),
        academic_projects=list(AcademicProject.objects.filter(profile=p)),
        technical_skills=list(TechnicalSkill.objects.filter(profile=p)),
        software_skills=list(SoftwareSkill.objects.filter(profile=p)),
        portfolio=list(PortfolioItem.objects.filter(profile=p)),
        target_roles=list(TargetRole.objects.filter(profile=p)),
        sectors=list(SectorPreference.objects.filter(profile=p)),
        availability=list(AvailabilityPeriod.objects.filter(profile=p)),
        mentors=list(MentorRelation.objects.filter(profile=p).select_related("mentor")),
        internships=list(InternshipRecord.objects.filter(profile=p)),
        projects=list(ProjectParticipation.objects.filter(profile=p)),
        peer_reviews=list(PeerReview.objects.filter(student_id=p.user_id).select_related("reviewer")),
        connections=connection_count(p.user_id),
    )


# The checklist behind "profile completeness": (key, English label, test on ProfileData).
CHECKLIST = [
    ("headline", _("A headline or a short bio"), lambda d: bool(d.profile.headline or d.profile.bio)),
    ("looking_for", _("What you are looking for"), lambda d: bool(d.profile.looking_for)),
    ("specialisations", _("At least one specialisation"), lambda d: len(d.specialisations) >= 1),
    ("languages", _("Languages you speak"), lambda d: len(d.languages) >= 1),
    ("gpa", _("Your grade average"), lambda d: d.profile.gpa is not None),
    ("academic_projects", _("An academic project"), lambda d: len(d.academic_projects) >= 1),
    ("technical_skills", _("Three technical skills"), lambda d: len(d.technical_skills) >= 3),
    ("software", _("Two pieces of software"), lambda d: len(d.software_skills) >= 2),
    ("portfolio", _("A portfolio item"), lambda d: len(d.portfolio) >= 1),
    ("target_roles", _("A target role"), lambda d: len(d.target_roles) >= 1),
    ("sectors", _("Preferred sectors"), lambda d: len(d.sectors) >= 1),
    ("mobility", _("Your geographic mobility"), lambda d: bool(d.profile.mobility)),
    ("salary", _("Your pay expectations"), lambda d: d.profile.salary_min is not None),
    ("availability", _("When you are available"), lambda d: len(d.availability) >= 1),
]


def completeness(data: ProfileData) -> dict:
    done = [key for key, _label, test in CHECKLIST if test(data)]
    missing = [(key, label) for key, label, test in CHECKLIST if not test(data)]
    total = len(CHECKLIST)
    return {"filled": len(done), "total": total, "percent": round(100 * len(done) / total), "missing": missing}


def connection_count(user_id) -> int:
    return Connection.objects.filter(Q(user_low_id=user_id) | Q(user_high_id=user_id)).count()


def are_connected(a_id, b_id) -> bool:
    low, high = sorted((a_id, b_id))
    return Connection.objects.filter(user_low_id=low, user_high_id=high).exists()


def skill_history(profile: StudentProfile, kind: str = "technical") -> list[tuple[str, list]]:
    """Level of each skill over time, from the history table (one query).

    Returns [(name, [(date, level or None when removed), …]), …] sorted by name; consecutive equal
    levels are merged."""
    model = TechnicalSkill if kind == "technical" else SoftwareSkill
    name_field = "name" if kind == "technical" else "software"
    rows = (
        model.history.filter(profile_id=profile.pk)
        .order_by("history_date", "history_id")
        .values_list("id", name_field, "level", "history_date", "history_type")
    )
    by_id: dict[int, dict] = {}
    for pk, name, level, when, htype in rows:
        entry = by_id.setdefault(pk, {"name": name, "points": []})
        entry["name"] = name
        value = None if htype == "-" else level
        if entry["points"] and entry["points"][-1][1] == value:
            continue
        entry["points"].append((when.date(), value))
    return sorted(((e["name"], e["points"]) for e in by_id.values()), key=lambda t: t[0].lower())


def readiness_snapshots(user) -> list[tuple]:
    return list(ReadinessSnapshot.objects.filter(user=user).order_by("month").values_list("month", "score"))
