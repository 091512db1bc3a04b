"""Navigation per role: one list, each entry a URL name. Entries whose URL is not installed are skipped."""
from functools import lru_cache

from django.conf import settings
from django.urls import NoReverseMatch, get_urlconf, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lms.accounts import roles

# (url name, label, roles that see it; None = everyone, "anonymous" = signed-out visitors)
NAV = [
    ("dashboard", _("Dashboard"), {roles.STUDENT}),
    ("courses:catalogue", _("Catalogue"), None),
    ("courses:my_learning", _("My learning"), {roles.STUDENT}),
    ("exams:certifications", _("Certifications"), {roles.STUDENT}),
    ("badges:mine", _("My badges"), {roles.STUDENT}),
    ("careers:matches", _("Internships"), {roles.STUDENT}),
    ("careers:employer_home", _("My offers"), {roles.EMPLOYER}),
    ("profile_edit", _("My profile"), {roles.STUDENT}),
    ("courses:grading", _("Grading"), {roles.TEACHER}),
    ("exams:examiner_queue", _("Examiner queue"), {roles.EXAMINER, roles.FLOWSTAGE_STAFF}),
    ("school_dashboard_home", _("School dashboard"), {roles.SCHOOL_STAFF}),
    ("partnerships:cohorts", _("Cohorts"), {roles.SCHOOL_STAFF}),
    ("courses:cohort_enrolment", _("Enrol a cohort"), {roles.SCHOOL_STAFF}),
    ("flowstage_dashboard", _("KPIs"), {roles.FLOWSTAGE_STAFF}),
    ("badges:staff", _("Badges"), {roles.FLOWSTAGE_STAFF}),
    ("erasure_requests", _("Erasure requests"), {roles.FLOWSTAGE_STAFF}),
    ("badges:verify_upload", _("Verify a badge"), None),
]


@lru_cache(maxsize=256)
def _url(name: str, language: str, urlconf: str) -> str | None:
    """The URL of a navigation entry in a language (a URLconf does not change while a process runs)."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def nav_for(user) -> list[dict]:
    user_roles = roles.user_roles(user)
    language = get_language()
    items = []
    for name, label, who in NAV:
        if who is not None and not (user_roles & who):
            continue
        url = _url(name, language, get_urlconf() or settings.ROOT_URLCONF)
        if url is not None:
            items.append({"name": name, "label": label, "url": url})
    return items
