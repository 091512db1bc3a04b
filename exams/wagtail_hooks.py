"""The question bank in the Wagtail admin, scoped per school by us (Wagtail snippets are global):
teachers, examiners and school staff see their schools' categories and Flow Stage's shared ones except
the certification banks, and change only their schools'; Flow Stage staff manage everything
(the rule: `exams.services.categories_for`). Import/export has its own page."""
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from exams import services
from exams.models import Question, QuestionCategory
from lms.accounts import roles

BANK_ROLES = (roles.TEACHER, roles.EXAMINER, roles.SCHOOL_STAFF, roles.FLOWSTAGE_STAFF)


class BankPermissionPolicy(BasePermissionPolicy):
    def _bank_user(self, user):
        return bool(user and user.is_authenticated and user.is_active
                    and (user.is_superuser or roles.has_role(user, *BANK_ROLES)))

    def user_has_permission(self, user, action):
        if not self._bank_user(user):
            return False
        if action == "delete":
            return services.is_bank_admin(user)
        return True

    def users_with_any_permission(self, actions):
        return get_user_model().objects.filter(
            Q(is_superuser=True) | Q(groups__name__in=BANK_ROLES), is_active=True).distinct()

    @staticmethod
    def _category_id(instance):
        return instance.pk if isinstance(instance, QuestionCategory) else instance.category_id

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        if isinstance(instance, QuestionCategory) and action != "view" and instance.school_id is None:
            return services.is_bank_admin(user)
        return services.categories_for(user, write=action != "view").filter(pk=self._category_id(instance)).exists()

    def instances_user_has_any_permission_for(self, user, actions):
        if not self._bank_user(user):
            return self.model._default_manager.none()
        cats = services.categories_for(user, write=not set(actions) <= {"view"})
        if self.model is QuestionCategory:
            return cats
        return Question.objects.filter(category__in=cats)


register_permission_policy(QuestionCategory, BankPermissionPolicy(QuestionCategory))
register_permission_policy(Question, BankPermissionPolicy(Question))


class ScopedForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self, "for_user", None)
        if user is not None:
            if "category" in self.fields:
                self.fields["category"].queryset = services.categories_for(user, write=True)
            if "flowstage_only" in self.fields and not services.is_bank_admin(user):
                self.fields["flowstage_only"].disabled = True  # a school's category is always the school's
            if "school" in self.fields and not services.is_bank_admin(user):
                from partnerships.models import School

                self.fields["school"].queryset = School.objects.filter(members__user=user).distinct()
                self.fields["school"].required = True


class CategoryViewSet(SnippetViewSet):
    model = QuestionCategory
    icon = "folder-open-inverse"
    menu_label = _("Categories")
    list_display = ["name", "school"]
    edit_handler = ObjectList([FieldPanel("name"), FieldPanel("school"), FieldPanel("flowstage_only"),
                               FieldPanel("description")], base_form_class=ScopedForm)

    def get_queryset(self, request):
        return services.categories_for(request.user).select_related("school")


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = _("Questions")
    list_display = ["__str__", "qtype", "category", "points", "version"]
    list_filter = ["qtype"]
    edit_handler = ObjectList([
        FieldPanel("category"), FieldPanel("name"), FieldPanel("qtype"), FieldPanel("points"),
        FieldPanel("text_fr"), FieldPanel("text_en"), FieldPanel("key"),
        FieldPanel("feedback_fr"), FieldPanel("feedback_en"), FieldPanel("active"),
    ], base_form_class=ScopedForm)

    def get_queryset(self, request):
        return services.questions_for(request.user).select_related("category")


class BankGroup(SnippetViewSetGroup):
    items = (CategoryViewSet, QuestionViewSet)
    menu_icon = "help"
    menu_label = _("Question bank")
    menu_name = "question-bank"
    menu_order = 250


register_snippet(BankGroup)


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return services.categories_for(request.user, write=True).exists() or services.is_bank_admin(request.user)


@hooks.register("register_admin_menu_item")
def import_menu_item():
    return ImportMenuItem(_("Import / export questions"), reverse("exams:import"), icon_name="upload", order=251)


def _deny_unless_allowed(request, instance, action):
    if isinstance(instance, (Question, QuestionCategory)):
        policy = BankPermissionPolicy(type(instance))
        if not policy.user_has_permission_for_instance(request.user, action, instance):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
    return None


@hooks.register("before_edit_snippet")
def scope_edit(request, instance):
    return _deny_unless_allowed(request, instance, "change")


@hooks.register("before_delete_snippet")
def scope_delete(request, instances):
    for instance in instances:
        _deny_unless_allowed(request, instance, "delete")
    return None
