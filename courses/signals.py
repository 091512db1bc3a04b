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
