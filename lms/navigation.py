"""Navigation per role: one list, each entry a URL name. Entries whose URL is not installed are skipped."""
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from lms.accounts import roles

# (url name, label, roles that see it; None = everyone, "anonymous" = signed-out visitors)
NAV = [
    ("dashboard", _("Dashboard"), {roles.STUDENT}),
    ("courses:catalogue", _("Catalogue"), None),
    ("courses:my_learning", _("My learning"), {roles.STUDENT}),
    ("exams:certifications", _("Certifications"), {roles.STUDENT}),
    ("badges:mine", _("My badges"), {roles.STUDENT}),
    ("profile_edit", _("My profile"), {roles.STUDENT}),
    ("courses:grading", _("Grading"), {roles.TEACHER}),
    ("exams:examiner_queue", _("Examiner queue"), {roles.EXAMINER, roles.FLOWSTAGE_STAFF}),
    ("school_dashboard_home", _("School dashboard"), {roles.SCHOOL_STAFF}),
    ("partnerships:cohorts", _("Cohorts"), {roles.SCHOOL_STAFF}),
    ("courses:cohort_enrolment", _("Enrol a cohort"), {roles.SCHOOL_STAFF}),
    ("flowstage_dashboard", _("KPIs"), {roles.FLOWSTAGE_STAFF}),
    ("badges:staff", _("Badges"), {roles.FLOWSTAGE_STAFF}),
    ("badges:verify_upload", _("Verify a badge"), None),
]


def nav_for(user) -> list[dict]:
    user_roles = roles.user_roles(user)
    items = []
    for name, label, who in NAV:
        if who is not None and not (user_roles & who):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"name": name, "label": label, "url": url})
    return items
