"""Roles are Django groups. Their permissions are listed here by name, as strings, so that this
lowest package never imports the apps above it; `sync_role_permissions` runs after every migrate."""
from django.utils.translation import gettext_lazy as _

STUDENT = "student"
TEACHER = "teacher"
EXAMINER = "examiner"
SCHOOL_STAFF = "school_staff"
EMPLOYER = "employer"
FLOWSTAGE_STAFF = "flowstage_staff"

ROLES = {
    STUDENT: _("Student"),
    TEACHER: _("Teacher"),
    EXAMINER: _("Examiner"),
    SCHOOL_STAFF: _("School staff"),
    EMPLOYER: _("Employer"),
    FLOWSTAGE_STAFF: _("Flow Stage staff"),
}

# "app_label.codename" strings; apps add theirs here. Unknown ones are skipped until their app migrates.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    STUDENT: [],
    TEACHER: ["wagtailadmin.access_admin"],
    EXAMINER: ["wagtailadmin.access_admin"],
    SCHOOL_STAFF: ["wagtailadmin.access_admin"],
    EMPLOYER: [],
    FLOWSTAGE_STAFF: ["wagtailadmin.access_admin"],
}


def sync_role_permissions(sender=None, **kwargs):
    """Create the role groups and give them their permissions (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    for role, perms in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        wanted = []
        for dotted in perms:
            app_label, codename = dotted.split(".", 1)
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm:
                wanted.append(perm)
        if wanted:
            group.permissions.add(*wanted)


def user_roles(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_role_cache", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached.add(FLOWSTAGE_STAFF)
        user._role_cache = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))
