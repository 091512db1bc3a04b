"""The one place that answers "may this school do X?" from its live partnership's tier."""
from .models import Partnership

# Codes of the entitlements the code checks (the tiers grant them as data).
FREE_STUDENT_ACCESS = "free_student_access"
CAREER_WORKSHOPS = "career_workshops"
INTERNSHIP_DATABASE = "internship_database"
PLACEMENT_STATISTICS = "placement_statistics"
FACULTY_TRAINING = "faculty_training"
CURRICULUM_INTEGRATION = "curriculum_integration"
FLOW_STAGE_READY_CERTIFICATION = "flow_stage_ready_certification"
PRIORITY_JOB_ACCESS = "priority_job_access"
CO_CREATED_MODULES = "co_created_modules"
SUPERVISED_INTERNSHIPS = "supervised_internships"
EXPERT_TALKS = "expert_talks"
APPRENTICESHIP_PROGRAMME = "apprenticeship_programme"
INTEGRATED_CAMPUS = "integrated_campus"
INCUBATOR = "incubator"
JOINT_RND = "joint_rnd"
FLOW_STAGE_CHAIR = "flow_stage_chair"


def live_partnership(school):
    if school is None:
        return None
    return (
        Partnership.objects.filter(school=school, status__in=Partnership.LIVE_STATUSES)
        .select_related("tier")
        .order_by("-tier__rank")
        .first()
    )


def school_entitlements(school) -> set[str]:
    partnership = live_partnership(school)
    if partnership is None:
        return set()
    return set(partnership.tier.entitlements.values_list("code", flat=True))


def school_has(school, code: str) -> bool:
    """True when the school's live partnership tier grants the entitlement `code`."""
    if school is None:
        return False
    return Partnership.objects.filter(
        school=school, status__in=Partnership.LIVE_STATUSES, tier__entitlements__code=code
    ).exists()
