"""Receivers: a teacher added to a school (by any app) joins that school's teachers group."""
from django.db.models.signals import post_save
from django.dispatch import receiver

from partnerships.models import SchoolMember


@receiver(post_save, sender=SchoolMember, dispatch_uid="courses_teacher_groups")
def school_member_saved(sender, instance, created, raw=False, **kwargs):
    if raw or instance.role != SchoolMember.Role.TEACHER:
        return
    from .services import sync_teacher_groups

    sync_teacher_groups(instance)


def _bump(**kwargs):
    from .selectors import bump_outline_version

    bump_outline_version()


def connect_page_signals():
    from django.db.models.signals import post_delete
    from wagtail.models import Page
    from wagtail.signals import page_published, page_unpublished, post_page_move

    page_published.connect(_bump, dispatch_uid="courses_outline_published")
    page_unpublished.connect(_bump, dispatch_uid="courses_outline_unpublished")
    post_page_move.connect(_bump, dispatch_uid="courses_outline_moved")
    post_delete.connect(_bump, sender=Page, dispatch_uid="courses_outline_deleted")
    for model in ("UnitPage", "LessonPage", "CoursePage"):
        from django.apps import apps

        post_delete.connect(_bump, sender=apps.get_model("courses", model), dispatch_uid=f"courses_outline_del_{model}")


connect_page_signals()
