"""Wagtail hooks: the co-creation entitlement gate, and the teacher's "my school's courses" panel."""
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.ui.components import Component

from . import selectors, services
from .models import CoursePage


def _refuse(request, page):
    messages.error(request, _("Your school's partnership does not include co-created modules (Premium tier "
                              "and above): you cannot write courses here."))
    return redirect("wagtailadmin_explore", page.pk)


@hooks.register("before_create_page")
def gate_create(request, parent_page, page_class):
    if not services.may_co_create(request.user, parent_page):
        return _refuse(request, parent_page)
    return None


@hooks.register("before_edit_page")
def gate_edit(request, page):
    if not services.may_co_create(request.user, page):
        return _refuse(request, page.get_parent())
    return None


class SchoolCoursesPanel(Component):
    """The teacher's courses on the authoring home: those they may edit, linked to the editor; the others (co-created
    Flow Stage courses, or a partnership without co-created modules) apart, saying why they are read-only and what
    the teacher can still do there (grade, enter marks)."""

    name = "school_courses"
    order = 90
    template_name = "courses/admin/school_courses_panel.html"

    def __init__(self, editable, read_only):
        self.editable, self.read_only = editable, read_only

    def get_context_data(self, parent_context=None):
        return {"editable": self.editable,
                "outside_section": [c for c, why in self.read_only if why == selectors.READ_ONLY_SECTION],
                "without_tier": [c for c, why in self.read_only if why == selectors.READ_ONLY_TIER]}


@hooks.register("construct_homepage_panels")
def add_school_courses(request, panels):
    user = request.user
    if not user.is_authenticated or user.is_superuser or services.roles.has_role(user, services.roles.FLOWSTAGE_STAFF):
        return
    editable, read_only = selectors.authoring_courses(user)
    if editable or read_only:
        panels.append(SchoolCoursesPanel(editable, read_only))


@hooks.register("register_page_listing_buttons")
def marks_button(page, user, next_url=None, **kwargs):
    from wagtail.admin import widgets as wagtailadmin_widgets
    from django.urls import reverse

    if isinstance(page.specific_deferred, CoursePage) and page.locale_id == services.default_locale().pk:
        yield wagtailadmin_widgets.PageListingButton(_("Marks"), reverse("courses:course_marks", args=[page.pk]),
                                                     priority=60)
