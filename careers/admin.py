"""Django admin for Flow Stage staff with the Django admin (superusers): offers with their rows and history, the
applications' history, the legal-rate tables, the programme, calendars, partners, learning paths."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import models as m
from . import services


class RequirementInline(admin.TabularInline):
    model = m.OfferRequirement
    extra = 0


class LanguageInline(admin.TabularInline):
    model = m.OfferLanguage
    extra = 0


class CredentialInline(admin.TabularInline):
    model = m.OfferCredential
    extra = 0


@admin.register(m.Offer)
class OfferAdmin(SimpleHistoryAdmin):
    list_display = ["title", "employer", "kind", "status", "start_date", "end_date", "pay_monthly", "expires_on"]
    list_filter = ["status", "kind", "specialisation"]
    search_fields = ["title", "employer__name", "city"]
    raw_id_fields = ["created_by"]
    inlines = [RequirementInline, LanguageInline, CredentialInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.refresh_facts(form.instance)  # the matching facts follow the rows just saved


@admin.register(m.Application)
class ApplicationAdmin(SimpleHistoryAdmin):
    list_display = ["student", "offer", "status", "score", "created_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["student__email", "offer__title"]
    raw_id_fields = ["student", "offer", "decided_by"]
    readonly_fields = ["consent_given_at", "consent_withdrawn_at", "score"]


@admin.register(m.InternshipRate)
class InternshipRateAdmin(SimpleHistoryAdmin):
    list_display = ["valid_from", "hourly_ceiling", "percent", "hourly_minimum"]


@admin.register(m.SmicRate)
class SmicRateAdmin(SimpleHistoryAdmin):
    list_display = ["valid_from", "hourly", "monthly"]


@admin.register(m.ApprenticePayRate)
class ApprenticePayRateAdmin(SimpleHistoryAdmin):
    list_display = ["valid_from", "age_from", "age_to", "contract_year", "percent"]
    list_filter = ["contract_year"]


class CalendarDayInline(admin.TabularInline):
    model = m.SchoolCalendarDay
    extra = 0


@admin.register(m.SchoolCalendar)
class SchoolCalendarAdmin(SimpleHistoryAdmin):
    list_display = ["school", "valid_from", "valid_until", "school_weekdays"]
    inlines = [CalendarDayInline]


admin.site.register(m.ApprenticeshipProgramme, SimpleHistoryAdmin)
admin.site.register(m.SchoolPartnerEmployer, SimpleHistoryAdmin)
admin.site.register(m.SchoolReferent)
admin.site.register(m.LearningPath)
admin.site.register(m.PriorityPlacement, SimpleHistoryAdmin)
admin.site.register(m.CareerProfile, SimpleHistoryAdmin)
admin.site.register(m.ContactRequest)
admin.site.register(m.MatchRun)


class SignatureInline(admin.TabularInline):
    model = m.AgreementSignature
    extra = 0
    can_delete = False
    fields = ["party", "signer_name", "signer_email", "via", "document_hash", "signed_at", "voided_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False  # signatures are given on the platform, never typed in


@admin.register(m.Agreement)
class AgreementAdmin(SimpleHistoryAdmin):
    """Read-only: the terms change through the school's and the host's pages, where a change voids the signatures."""

    list_display = ["application", "school", "kind", "status", "start_date", "end_date", "monthly_pay", "version"]
    list_filter = ["status", "kind"]
    search_fields = ["application__student__email", "application__offer__title", "school__name"]
    inlines = [SignatureInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(m.AgreementSignature)
class AgreementSignatureAdmin(SimpleHistoryAdmin):
    list_display = ["agreement", "party", "signer_name", "via", "signed_at", "voided_at"]
    list_filter = ["party", "via"]
    search_fields = ["document_hash", "signer_name", "signer_email"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(m.TutorLink)
class TutorLinkAdmin(SimpleHistoryAdmin):
    list_display = ["agreement", "action", "sent_to", "sent_at", "used_at"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False
