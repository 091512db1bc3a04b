"""Wagtail hooks: the co-creation entitlement gate, and the teacher's "my school's courses" panel."""
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.ui.components import Component

from . import services
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
    name = "school_courses"
    order = 90

    def __init__(self, courses):
        self.courses = courses

    def render_html(self, parent_context=None):
        items = format_html_join(
            "", '<li><a href="/admin/pages/{}/edit/">{}</a> <small>{}</small></li>',
            ((c.pk, c.title, c.code) for c in self.courses),
        )
        return format_html('<section class="panel summary"><h2>{}</h2><ul>{}</ul></section>',
                           _("Your school's courses (owned or co-created)"), items)


@hooks.register("construct_homepage_panels")
def add_school_courses(request, panels):
    user = request.user
    if not user.is_authenticated or user.is_superuser:
        return
    courses = list(services.teachable_courses(user).filter(locale=services.default_locale())
                   .order_by("title")[:30]) if not services.roles.has_role(user, services.roles.FLOWSTAGE_STAFF) else []
    if courses:
        panels.append(SchoolCoursesPanel(courses))


@hooks.register("register_page_listing_buttons")
def marks_button(page, user, next_url=None, **kwargs):
    from wagtail.admin import widgets as wagtailadmin_widgets
    from django.urls import reverse

    if isinstance(page.specific_deferred, CoursePage) and page.locale_id == services.default_locale().pk:
        yield wagtailadmin_widgets.PageListingButton(_("Marks"), reverse("courses:course_marks", args=[page.pk]),
                                                     priority=60)
