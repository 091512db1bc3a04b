"""Django admin: the issuer profile, achievements and skills are edited here; keys, credentials and status
lists are read-only (they change only through badges.services: rotation, issuance, revocation)."""
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from badges import services
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


class CompromiseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)
    since = forms.DateTimeField(label=_("Compromised from"), required=False,
                                help_text=_("Leave empty for now. What the key signed is re-issued either way."))


@admin.register(SigningKey)
class SigningKeyAdmin(ReadOnlyAdmin):
    list_display = ("number", "status", "published_at", "usable_from", "retired_at", "revoked_from",
                    "revocation_reason")
    exclude = ("encrypted_private_key",)
    actions = ["declare_compromised"]

    def has_compromise_permission(self, request):
        return request.user.is_superuser or request.user.has_perm("badges.change_signingkey")

    @admin.action(description=_("Declare compromised (re-issue what it signed)"), permissions=["compromise"])
    def declare_compromised(self, request, queryset):
        form = CompromiseForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            for key in queryset:
                try:
                    services.declare_key_compromised(key, reason=form.cleaned_data["reason"],
                                                     compromised_from=form.cleaned_data["since"], by=request.user)
                except services.IssuanceError as exc:
                    self.message_user(request, str(exc), messages.ERROR)
                    return None
            self.message_user(request, _("%(keys)s declared compromised: out of the DID document's assertionMethod; "
                                         "what they signed is being re-issued and the holders told.")
                              % {"keys": ", ".join(k.fragment for k in queryset)}, messages.SUCCESS)
            return None
        return TemplateResponse(request, "admin/badges/signingkey/declare_compromised.html", {
            **self.admin_site.each_context(request), "title": _("Declare keys compromised"), "form": form,
            "keys": queryset, "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME, "opts": self.model._meta,
        })


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
