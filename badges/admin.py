"""Django admin: the issuer profile, achievements and skills are edited here; keys, credentials and status
lists are read-only (they change only through badges.services: rotation, issuance, revocation)."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from badges.models import Achievement, BulkIssuance, Credential, Issuer, SigningKey, Skill, StatusList


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Issuer)
class IssuerAdmin(SimpleHistoryAdmin):
    list_display = ("name", "url", "email")


@admin.register(Achievement)
class AchievementAdmin(SimpleHistoryAdmin):
    list_display = ("name", "slug", "certification", "achievement_type", "validity_days")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("skills",)


@admin.register(Skill)
class SkillAdmin(SimpleHistoryAdmin):
    """A skill's slug is signed into credentials (its page's address): keep it once achievements align to it."""

    list_display = ("name", "name_fr", "slug")
    search_fields = ("name", "name_fr", "slug")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("courses",)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "courses":  # the French source pages (enrolments and progress are recorded on them)
            from courses.models import CoursePage
            from courses.services import default_locale

            kwargs["queryset"] = CoursePage.objects.filter(locale=default_locale()).order_by("title")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(SigningKey)
class SigningKeyAdmin(ReadOnlyAdmin):
    list_display = ("number", "status", "created_at", "retired_at", "revoked_from")
    exclude = ("encrypted_private_key",)


@admin.register(Credential)
class CredentialAdmin(ReadOnlyAdmin):
    list_display = ("short_id", "user", "achievement", "issued_at", "valid_until", "revoked_at", "privacy")
    list_filter = ("achievement", "privacy")
    search_fields = ("short_id", "user__email")
    list_select_related = ("user", "achievement")


@admin.register(StatusList)
class StatusListAdmin(ReadOnlyAdmin):
    list_display = ("number", "purpose", "size", "next_index", "updated_at")
    exclude = ("bits",)


@admin.register(BulkIssuance)
class BulkIssuanceAdmin(ReadOnlyAdmin):
    list_display = ("pk", "achievement", "cohort", "status", "total", "issued", "skipped", "failed", "created_at")
