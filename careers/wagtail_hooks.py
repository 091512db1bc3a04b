"""Flow Stage staff manage employers, offers, the legal-rate tables, the programme, schools' calendars and learning
paths in the Wagtail admin (snippets). Wagtail snippets are global: the policy below lets only Flow Stage staff
(and superusers) in. An offer saved here gets its matching facts recomputed like one saved by its employer."""
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from lms.accounts import roles
from partnerships.models import Employer

from . import models as m
from . import services


class FlowStageStaffPolicy(BasePermissionPolicy):
    """Every action for Flow Stage staff and superusers; nothing for anyone else."""

    def _staff(self, user):
        return bool(user and user.is_authenticated and user.is_active
                    and (user.is_superuser or roles.has_role(user, roles.FLOWSTAGE_STAFF)))

    def user_has_permission(self, user, action):
        return self._staff(user)

    def users_with_any_permission(self, actions):
        return get_user_model().objects.filter(Q(is_superuser=True) | Q(groups__name=roles.FLOWSTAGE_STAFF),
                                               is_active=True).distinct()

    def user_has_permission_for_instance(self, user, action, instance):
        return self._staff(user)

    def instances_user_has_any_permission_for(self, user, actions):
        return self.model._default_manager.all() if self._staff(user) else self.model._default_manager.none()


MODELS = (m.Offer, m.InternshipRate, m.SmicRate, m.ApprenticePayRate, m.ApprenticeshipProgramme, m.SchoolCalendar,
          m.LearningPath, m.SchoolReferent, m.SchoolPartnerEmployer, Employer)
for _model in MODELS:
    register_permission_policy(_model, FlowStageStaffPolicy(_model))


class OfferViewSet(SnippetViewSet):
    model = m.Offer
    icon = "list-ul"
    menu_label = _("Offers")
    list_display = ["title", "employer", "kind", "status", "start_date", "pay_monthly"]
    list_filter = ["status", "kind"]
    search_fields = ["title"]
    panels = [FieldPanel(f) for f in ("employer", "kind", "title", "description", "specialisation", "sector",
                                      "genres", "venue_size", "address", "postcode", "city", "start_date",
                                      "end_date", "weekly_hours", "pay_monthly", "tutor_name", "tutor_role",
                                      "tutor_years", "places", "status", "expires_on", "programme", "track",
                                      "contract_year")]


class EmployerViewSet(SnippetViewSet):
    model = Employer
    icon = "group"
    menu_label = _("Employers")
    list_display = ["name", "city", "website"]
    search_fields = ["name"]
    panels = [FieldPanel(f) for f in ("name", "slug", "city", "website", "description", "members")]


class InternshipRateViewSet(SnippetViewSet):
    model = m.InternshipRate
    icon = "date"
    list_display = ["valid_from", "hourly_ceiling", "percent", "hourly_minimum"]


class SmicRateViewSet(SnippetViewSet):
    model = m.SmicRate
    icon = "date"
    list_display = ["valid_from", "hourly", "monthly"]


class ApprenticePayRateViewSet(SnippetViewSet):
    model = m.ApprenticePayRate
    icon = "date"
    list_display = ["valid_from", "age_from", "age_to", "contract_year", "percent"]


class ProgrammeViewSet(SnippetViewSet):
    model = m.ApprenticeshipProgramme
    icon = "repeat"


class CalendarViewSet(SnippetViewSet):
    model = m.SchoolCalendar
    icon = "date"
    list_display = ["school", "valid_from", "valid_until", "school_weekdays"]


class LearningPathViewSet(SnippetViewSet):
    model = m.LearningPath
    icon = "link"
    list_display = ["skill", "course", "certification"]


class ReferentViewSet(SnippetViewSet):
    model = m.SchoolReferent
    icon = "user"


class CareersGroup(SnippetViewSetGroup):
    menu_label = _("Internships")
    menu_icon = "list-ul"
    menu_name = "careers"
    menu_order = 320
    items = (OfferViewSet, EmployerViewSet, InternshipRateViewSet, SmicRateViewSet, ApprenticePayRateViewSet,
             ProgrammeViewSet, CalendarViewSet, LearningPathViewSet, ReferentViewSet)


register_snippet(CareersGroup)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def refresh_offer_facts(request, instance):
    if isinstance(instance, m.Offer):
        services.refresh_facts(instance)
