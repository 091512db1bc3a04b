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


# --- what each entitlement does ------------------------------------------------------------------------------------
# A feature is gated on the platform (the place named); a service is delivered by Flow Stage off the platform, the
# school requests it (partnerships.services.request_service) and Flow Stage's staff schedule and deliver it.
from django.utils.translation import gettext_lazy as _  # noqa: E402

FEATURE, SERVICE = "feature", "service"

SERVICES = (CAREER_WORKSHOPS, FACULTY_TRAINING, EXPERT_TALKS, INTEGRATED_CAMPUS, INCUBATOR, JOINT_RND, FLOW_STAGE_CHAIR)

WHAT = {
    FREE_STUDENT_ACCESS: (FEATURE, _("Your students enrol without paying in the Flow Stage modules that carry a price (the course page says so; the enrolment records 0 €). Without it, they pay the module's price.")),
    CAREER_WORKSHOPS: (SERVICE, _("Career workshops run by Flow Stage at your school: request them below.")),
    INTERNSHIP_DATABASE: (FEATURE, _("Your students see every internship and apprenticeship offer, not only those of certified partner employers (Careers page).")),
    PLACEMENT_STATISTICS: (FEATURE, _("The placement section of your dashboard and its CSV export: internships, conversion to a job, employment within six months.")),
    FACULTY_TRAINING: (SERVICE, _("Training sessions for your teachers: request them below.")),
    CURRICULUM_INTEGRATION: (FEATURE, _("Your staff assign Flow Stage modules to your cohorts as part of their curriculum (the “Assign courses” page): the whole cohort is enrolled at once. Without it, students enrol one by one.")),
    FLOW_STAGE_READY_CERTIFICATION: (FEATURE, _("Your students may register for the “Flow Stage Ready” certification exams.")),
    PRIORITY_JOB_ACCESS: (FEATURE, _("Your students see and apply to each new internship or job offer from the day it is published; the students of other schools see it 7 days later (Careers page, matches and the nightly matching).")),
    CO_CREATED_MODULES: (FEATURE, _("Your teachers write course modules in your school's section of the catalogue.")),
    SUPERVISED_INTERNSHIPS: (FEATURE, _("Your students' internships are followed during the internship: the mid-term evaluation sent to the tutor at the midpoint with its reminders, the follow-up page (objectives met, contacts, readiness) and the referent's call request. Without it, the agreement and the final report only.")),
    EXPERT_TALKS: (SERVICE, _("Talks by Flow Stage's industry experts: request them below.")),
    APPRENTICESHIP_PROGRAMME: (FEATURE, _("Your students see and apply to the offers of Flow Stage's direct apprenticeship programme.")),
    INTEGRATED_CAMPUS: (SERVICE, _("Campus events with Flow Stage: request them below.")),
    INCUBATOR: (SERVICE, _("Coaching of your students' projects in the incubator: request it below.")),
    JOINT_RND: (SERVICE, _("Joint research and development projects: request a first meeting below.")),
    FLOW_STAGE_CHAIR: (SERVICE, _("The Flow Stage Innovation chair's activities: request them below.")),
}
