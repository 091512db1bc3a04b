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
