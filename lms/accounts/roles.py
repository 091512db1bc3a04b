"""Roles are Django groups. Their permissions are listed here by name, as strings, so that this
lowest package never imports the apps above it; `sync_role_permissions` runs after every migrate."""
from django.core.cache import caches
from django.utils.translation import gettext_lazy as _

from lms import cache_versions

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


ACCESS_VERSION_KEY = cache_versions.register("accounts:access:version")
ACCESS_TTL = 300  # seconds; the signals below invalidate at once, the TTL is a backstop


def bump_access_version(**_signal_kwargs) -> None:
    """Invalidate every cached role set (a signal receiver: groups, permissions, users deleted)."""
    cache_versions.bump(ACCESS_VERSION_KEY)


def connect_access_signals() -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed, post_delete, post_save

    user_model = get_user_model()
    for through in (user_model.groups.through, user_model.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(bump_access_version, sender=through, dispatch_uid=f"access_{through._meta.label_lower}")
    for model in (Group, Permission):
        post_save.connect(bump_access_version, sender=model, dispatch_uid=f"access_saved_{model._meta.label_lower}")
    for model in (Group, Permission, user_model):
        post_delete.connect(bump_access_version, sender=model, dispatch_uid=f"access_del_{model._meta.label_lower}")


def access(user, request=None) -> tuple[frozenset, bool]:
    """(roles, may open the Wagtail admin) of a user. Read on every page (navigation), so it is cached
    per user across requests; the key holds the flags that change without a signal (superuser, active)."""
    if not user.is_authenticated:
        return frozenset(), False
    cached = getattr(user, "_access_cache", None)
    if cached is None:
        # the version is shared by every process; the role set is kept in this process's memory
        key = (f"accounts:access:{cache_versions.version(ACCESS_VERSION_KEY, request)}:{user.pk}:"
               f"{int(user.is_superuser)}{int(user.is_active)}")
        cached = caches[cache_versions.LOCAL].get(key)
        if cached is None:
            roles = set(user.groups.values_list("name", flat=True))
            if user.is_superuser:
                roles.add(FLOWSTAGE_STAFF)
            cached = (frozenset(roles), user.has_perm("wagtailadmin.access_admin"))
            caches[cache_versions.LOCAL].set(key, cached, ACCESS_TTL)
        user._access_cache = cached
    return cached


def user_roles(user) -> frozenset[str]:
    return access(user)[0]


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))
