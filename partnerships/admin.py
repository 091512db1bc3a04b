from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import models as m
from .forms import TierForm


class SchoolContactInline(admin.TabularInline):
    model = m.SchoolContact
    extra = 0


class SchoolMemberInline(admin.TabularInline):
    model = m.SchoolMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(m.School)
class SchoolAdmin(SimpleHistoryAdmin):
    list_display = ["name", "city", "country", "category", "typology"]
    list_filter = ["country", "category", "typology"]
    search_fields = ["name", "city"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SchoolContactInline, SchoolMemberInline]


@admin.register(m.Entitlement)
class EntitlementAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en"]


@admin.register(m.Tier)
class TierAdmin(SimpleHistoryAdmin):
    form = TierForm
    list_display = ["name", "rank", "annual_fee"]


class InvoiceInline(admin.TabularInline):
    model = m.Invoice
    extra = 0


@admin.register(m.Partnership)
class PartnershipAdmin(SimpleHistoryAdmin):
    list_display = ["school", "tier", "status", "start_date", "end_date", "annual_fee"]
    list_filter = ["status", "tier"]
    search_fields = ["school__name"]
    inlines = [InvoiceInline]


@admin.register(m.Invoice)
class InvoiceAdmin(SimpleHistoryAdmin):
    list_display = ["number", "partnership", "amount", "period_start", "period_end", "status"]
    list_filter = ["status"]


@admin.register(m.PartnershipTransition)
class PartnershipTransitionAdmin(admin.ModelAdmin):
    list_display = ["partnership", "from_status", "to_status", "on", "by"]


admin.site.register(m.Programme)
admin.site.register(m.Cohort, SimpleHistoryAdmin)
admin.site.register(m.CohortMembership)
admin.site.register(m.SchoolContact)
admin.site.register(m.Employer)
admin.site.register(m.PriceItem, SimpleHistoryAdmin)
admin.site.register(m.EnterpriseContract, SimpleHistoryAdmin)
admin.site.register(m.BusinessProjection)
