"""Receivers: a teacher added to a school (by any app) joins that school's teachers group; any change to
pages, view restrictions, sites or locales invalidates the cached course content (page_cache.py)."""
import django.dispatch
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from partnerships.models import SchoolMember

from . import page_cache

# Signals other apps listen to; `courses` never imports them (badges issues a module credential). Both are sent
# after the transaction that changed the student's credit record commits.
# A module passed: its ECTS credits were written on the student's record. send(sender=CreditRecord, record=…).
module_passed = django.dispatch.Signal()
# A passed module's credits withdrawn (a mark changed and the grade fell below the pass mark):
# send(sender=CreditRecord, user_id=…, course_id=…).
module_credits_withdrawn = django.dispatch.Signal()
# A module completed (every lesson done, ``Enrolment.completed_at`` written for the first time): careers asks the
# student's satisfaction. send(sender=Enrolment, enrolment_id=…, user_id=…, course_id=…).
module_completed = django.dispatch.Signal()


@receiver(post_save, sender=SchoolMember, dispatch_uid="courses_teacher_groups")
def school_member_saved(sender, instance, created, raw=False, **kwargs):
    if raw or instance.role != SchoolMember.Role.TEACHER:
        return
    from .services import sync_teacher_groups

    sync_teacher_groups(instance)


def connect_content_signals():
    from django.apps import apps
    from wagtail.models import Locale, Page, PageViewRestriction, Site
    from wagtail.signals import page_published, page_unpublished, post_page_move

    bump = page_cache.bump
    page_published.connect(bump, dispatch_uid="courses_content_published")
    page_unpublished.connect(bump, dispatch_uid="courses_content_unpublished")
    post_page_move.connect(bump, dispatch_uid="courses_content_moved")
    # post_save/post_delete are sent with the concrete class: every page model, ours and Wagtail's own
    page_models = [Page] + [m for m in apps.get_models() if issubclass(m, Page) and m is not Page]
    for model in page_models + [PageViewRestriction, Site, Locale]:
        label = model._meta.label_lower
        post_save.connect(bump, sender=model, dispatch_uid=f"courses_content_saved_{label}")
        post_delete.connect(bump, sender=model, dispatch_uid=f"courses_content_deleted_{label}")
    m2m_changed.connect(bump, sender=PageViewRestriction.groups.through, dispatch_uid="courses_content_restriction_groups")


connect_content_signals()
