"""Django admin for exams, certifications, rubrics and audit records (staff work at /django-admin/)."""
from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from exams import models as m
from exams import review


class FixedInline(admin.TabularInline):
    model = m.ExamFixedQuestion
    extra = 0
    autocomplete_fields = ["question"]


class DrawInline(admin.TabularInline):
    model = m.ExamRandomDraw
    extra = 0


def _review_fieldset(moment, title):
    """What the candidate sees of a closed attempt at one moment (exams/review.py)."""
    return (title, {"fields": [review.field_name(moment, part) for part in review.PARTS]})


@admin.register(m.Exam)
class ExamAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "theory_weight", "practical_weight", "pass_mark", "time_limit_minutes", "max_attempts"]
    inlines = [FixedInline, DrawInline]
    prepopulated_fields = {"slug": ["title_fr"]}
    fieldsets = [
        (None, {"fields": ["title_fr", "title_en", "slug", "instructions_fr", "instructions_en", "theory_weight",
                           "practical_weight", "pass_mark", "rubric", "time_limit_minutes", "available_from",
                           "available_until", "max_attempts", "wait_between_attempts", "grace_seconds"]}),
        _review_fieldset(review.IMMEDIATELY, _("Review immediately after the attempt (2 minutes)")),
        _review_fieldset(review.OPEN, _("Review later, while the exam is still open to the candidate")),
        _review_fieldset(review.CLOSED, _("Review after the exam is closed for the candidate (last attempt "
                                          "used or passed, or window ended)")),
    ]


@admin.register(m.Certification)
class CertificationAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name_fr", "price", "active"]


class LevelInline(admin.TabularInline):
    model = m.RubricLevel
    extra = 0


@admin.register(m.RubricCriterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "rubric", "position"]
    inlines = [LevelInline]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.rubric.is_locked:
            return False  # a used rubric is immutable: make a new version
        return super().has_change_permission(request, obj)


@admin.action(description="Create a new editable version")
def new_version(modeladmin, request, queryset):
    from exams import services

    for rubric in queryset:
        services.new_rubric_version(rubric)


@admin.register(m.Rubric)
class RubricAdmin(admin.ModelAdmin):
    list_display = ["__str__", "family", "version", "is_locked"]
    actions = [new_version]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_locked:
            return False
        return super().has_change_permission(request, obj)


@admin.register(m.QuestionCategory)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "flowstage_only"]


class QuestionAdminForm(forms.ModelForm):
    class Meta:
        model = m.Question
        fields = ["category", "name", "qtype", "text_fr", "text_en", "feedback_fr", "feedback_en", "points", "key",
                  "active"]


@admin.register(m.Question)
class QuestionAdmin(admin.ModelAdmin):
    form = QuestionAdminForm
    list_display = ["__str__", "qtype", "category", "points", "version", "active", "regrade_link"]

    @admin.display(description="Regrade")
    def regrade_link(self, obj):
        from django.urls import reverse
        from django.utils.html import format_html

        return format_html('<a href="{}">dry run</a>', reverse("exams:regrade", args=[obj.pk]))
    list_filter = ["qtype", "category"]
    search_fields = ["name", "text_fr", "text_en"]


@admin.register(m.PrerequisiteExemption)
class ExemptionAdmin(SimpleHistoryAdmin):
    list_display = ["user", "certification", "prerequisite", "granted_by", "granted_at"]
    raw_id_fields = ["user", "granted_by"]

    def save_model(self, request, obj, form, change):
        if not obj.granted_by_id:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(m.Registration)
class RegistrationAdmin(SimpleHistoryAdmin):
    list_display = ["user", "certification", "registered_at", "fee"]
    raw_id_fields = ["user"]


@admin.register(m.Accommodation)
class AccommodationAdmin(SimpleHistoryAdmin):
    list_display = ["user", "exam", "extra_minutes", "reason"]
    raw_id_fields = ["user"]


@admin.register(m.Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "theory_pct", "practical_pct", "final_pct", "passed"]
    list_filter = ["status", "exam"]
    raw_id_fields = ["user"]
    readonly_fields = [f.name for f in m.Attempt._meta.fields]


@admin.register(m.RegradeAudit)
class RegradeAuditAdmin(admin.ModelAdmin):
    list_display = ["attempt", "question", "by", "at"]
    readonly_fields = ["attempt", "question", "by", "at", "before", "after"]
