"""Django admin (/django-admin/) for accounts and student profiles."""
from django.contrib import admin, messages
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
    actions = ["erase_personal_data"]

    @admin.action(description=_("Erase the personal data of the selected people (anonymise; records the law "
                                "or the school requires are kept)"), permissions=["change"])
    def erase_personal_data(self, request, queryset):
        """Erasure, not deletion: a person holding credentials or school records cannot be deleted (the database
        protects those rows); their account is anonymised instead, audited as an ErasureRequest."""
        from . import services

        done = 0
        for user in queryset:
            if user.pk == request.user.pk:
                self.message_user(request, _("You cannot erase your own account here."), messages.ERROR)
                continue
            req = services.request_erasure(user, _("Erased by the staff from the administration"), by=request.user)
            services.carry_out_erasure(req, request.user)
            done += 1
        if done:
            self.message_user(request, _("Personal data erased: %(n)s.") % {"n": done}, messages.SUCCESS)


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


@admin.register(models.ErasureRequest)
class ErasureRequestAdmin(SimpleHistoryAdmin):
    """Read-only here: requests are decided on the staff page (accounts/erasure-requests/), which runs the
    erasure service; the history shows every step and who took it."""

    list_display = ["user", "status", "requested_at", "decided_at", "decided_by"]
    list_filter = ["status"]
    search_fields = ["user__email"]
    readonly_fields = ["user", "status", "reason", "requested_at", "decided_at", "decided_by", "staff_note",
                       "summary"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
