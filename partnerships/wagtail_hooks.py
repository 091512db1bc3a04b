"""Partnership data in the Wagtail admin (snippets): tiers and their entitlements are data, edited here."""
from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import models as m


class TierViewSet(SnippetViewSet):
    model = m.Tier
    icon = "pick"
    list_display = ["name", "rank", "annual_fee"]
    panels = [
        FieldPanel("code"), FieldPanel("name"), FieldPanel("rank"), FieldPanel("annual_fee"),
        FieldPanel("entitlements", widget=forms.CheckboxSelectMultiple),
    ]


class EntitlementViewSet(SnippetViewSet):
    model = m.Entitlement
    icon = "tick"
    list_display = ["code", "name", "name_en"]


class SchoolViewSet(SnippetViewSet):
    model = m.School
    icon = "home"
    list_display = ["name", "city", "country", "typology"]
    list_filter = ["country", "category", "typology"]
    search_fields = ["name", "city"]


class PartnershipViewSet(SnippetViewSet):
    model = m.Partnership
    icon = "group"
    list_display = ["school", "tier", "status", "start_date", "end_date", "annual_fee"]
    list_filter = ["status", "tier"]


class InvoiceViewSet(SnippetViewSet):
    model = m.Invoice
    icon = "doc-full"
    list_display = ["number", "partnership", "amount", "status"]
    list_filter = ["status"]


class PriceItemViewSet(SnippetViewSet):
    model = m.PriceItem
    icon = "tag"
    list_display = ["name", "segment", "unit_price", "unit"]


class ProjectionViewSet(SnippetViewSet):
    model = m.BusinessProjection
    icon = "table"
    list_display = ["label", "year", "partner_schools", "active_students", "certifications"]


class PartnershipsGroup(SnippetViewSetGroup):
    menu_label = _("Partnerships")
    menu_icon = "group"
    menu_order = 300
    items = (SchoolViewSet, PartnershipViewSet, InvoiceViewSet, TierViewSet, EntitlementViewSet,
             PriceItemViewSet, ProjectionViewSet)


register_snippet(PartnershipsGroup)
