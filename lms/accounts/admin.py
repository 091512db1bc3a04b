"""Django admin (/django-admin/) for accounts and student profiles."""
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import models


@admin.register(models.User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "first_name", "last_name", "is_active", "is_staff"]
    search_fields = ["email", "display_name", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Identity"), {"fields": ["first_name", "last_name", "display_name", "preferred_language"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


def _inline(model_cls, extra=0):
    return type(f"{model_cls.__name__}Inline", (admin.TabularInline,), {"model": model_cls, "extra": extra})


@admin.register(models.StudentProfile)
class StudentProfileAdmin(SimpleHistoryAdmin):
    list_display = ["user", "headline", "is_public", "updated_at"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "headline"]
    list_filter = ["is_public", "mobility"]
    raw_id_fields = ["user"]
    readonly_fields = ["public_id"]
    inlines = [_inline(m) for m in (
        models.Specialisation, models.LanguageSkill, models.AcademicProject, models.TechnicalSkill,
        models.SoftwareSkill, models.PortfolioItem, models.TargetRole, models.SectorPreference,
        models.AvailabilityPeriod, models.InternshipRecord, models.ProjectParticipation)]


@admin.register(models.PeerReview)
class PeerReviewAdmin(SimpleHistoryAdmin):
    list_display = ["student", "reviewer", "rating", "updated_at"]
    raw_id_fields = ["student", "reviewer"]


@admin.register(models.ReadinessSnapshot)
class ReadinessSnapshotAdmin(admin.ModelAdmin):
    list_display = ["user", "month", "score"]
    list_filter = ["month"]
    raw_id_fields = ["user"]
