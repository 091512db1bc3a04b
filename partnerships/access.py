"""Who may manage which school (school staff of that school, or Flow Stage staff)."""
from django.core.exceptions import PermissionDenied

from lms.accounts import roles

from .models import School, SchoolMember


def is_flowstage_staff(user) -> bool:
    return user.is_authenticated and roles.has_role(user, roles.FLOWSTAGE_STAFF)


def managed_school_ids(user) -> set[int] | None:
    """None = every school (Flow Stage staff); else the ids of schools where the user is staff."""
    if not user.is_authenticated:
        return set()
    if is_flowstage_staff(user):
        return None
    cached = getattr(user, "_managed_schools", None)
    if cached is None:
        cached = set(SchoolMember.objects.filter(user=user, role=SchoolMember.Role.STAFF)
                     .values_list("school_id", flat=True))
        user._managed_schools = cached
    return cached


def can_manage(user, school: School | int) -> bool:
    ids = managed_school_ids(user)
    school_id = school if isinstance(school, int) else school.pk
    return ids is None or school_id in ids


def require_manage(user, school) -> None:
    if not can_manage(user, school):
        raise PermissionDenied("You are not staff of this school.")


def require_school_area(user) -> None:
    """School staff or Flow Stage staff, else 403."""
    if not (is_flowstage_staff(user) or roles.has_role(user, roles.SCHOOL_STAFF) or managed_school_ids(user)):
        raise PermissionDenied("School staff only.")
