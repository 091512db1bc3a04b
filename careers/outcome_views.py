"""Pages of placement outcomes: the student's own (record an outcome, rate modules and internships), the school
staff's (every student's outcome, record one), and the six-month survey's one-click form (no account needed)."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from courses.models import CoursePage
from lms.throttle import rate_limit_response, rate_limited
from partnerships import access as school_access
from partnerships.models import CohortMembership, Employer, School

from . import outcome_services as svc
from .models import Agreement, Outcome, SatisfactionAnswer
from .services import CareersError

PAGE_SIZE = 50
SURVEY_RATE = "30/m"


class OutcomeForm(forms.Form):
    stage = forms.ChoiceField(label=gettext_lazy("When"), choices=Outcome.Stage.choices)
    status = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=Outcome.Status.choices)
    employer_name = forms.CharField(label=gettext_lazy("Employer or school"), max_length=160, required=False)
    employer = forms.ModelChoiceField(label=gettext_lazy("Partner employer (if any)"), required=False,
                                      queryset=Employer.objects.order_by("name"))
    started_on = forms.DateField(label=gettext_lazy("Since"), widget=forms.DateInput(attrs={"type": "date"}))


class SurveyForm(forms.Form):
    status = forms.ChoiceField(choices=Outcome.Status.choices)
    employer_name = forms.CharField(max_length=160, required=False)
    started_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


def _record(request, student, form):
    d = form.cleaned_data
    return svc.record_outcome(student, by=request.user, stage=d["stage"], status=d["status"],
                              started_on=d["started_on"], employer_name=d["employer_name"], employer=d["employer"])


@login_required
def my_outcomes(request):
    """The student's outcomes (record one) and the modules and internships waiting for their rating."""
    form = OutcomeForm(request.POST or None, initial={"stage": Outcome.Stage.AFTER_GRADUATION,
                                                      "started_on": timezone.localdate()})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _record(request, request.user, form)
            except CareersError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, _("Your outcome is recorded: thank you."))
                return redirect("careers:my_outcomes")
        else:
            status = 422
    pending = svc.pending_satisfaction(request.user)
    from courses.selectors import reader_titles

    titles = reader_titles(pending["courses"])  # in the reader's language
    for c in pending["courses"]:
        c.reader_title = titles.get(c.pk, c.title)
    return render(request, "careers/outcomes_mine.html", {
        "form": form, "outcomes": Outcome.objects.filter(student=request.user).select_related("employer")[:50],
        "pending": pending, "scores": range(11),
        "answers": SatisfactionAnswer.objects.filter(student=request.user)
        .select_related("course", "agreement__application__offer__employer")[:50],
    }, status=status)


@login_required
@require_POST
def rate(request):
    """The end-of-module or end-of-internship question: "would you recommend it?" (0 to 10)."""
    course = agreement = None
    if request.POST.get("course"):
        course = get_object_or_404(CoursePage, pk=_int(request.POST.get("course")))
    elif request.POST.get("agreement"):
        agreement = get_object_or_404(Agreement.objects.select_related("application"),
                                      pk=_int(request.POST.get("agreement")), application__student=request.user)
    try:
        svc.rate(request.user, score=request.POST.get("score"), course=course, agreement=agreement,
                 comment=request.POST.get("comment", ""))
    except CareersError as exc:
        return render(request, "careers/refused.html", {"message": exc.message}, status=exc.status)
    messages.success(request, _("Thank you for your answer."))
    return redirect("careers:my_outcomes")


def _int(value):
    try:
        value = int(value)
    except (TypeError, ValueError):
        return 0
    return value if 0 < value < 2**31 else 0


def _school(request, slug) -> School:
    school = get_object_or_404(School, slug=slug)
    if not school_access.can_manage(request.user, school):
        raise PermissionDenied(_("You are not staff of this school."))
    return school


@login_required
def school_outcomes(request, slug):
    """A school's staff: every outcome of their students, and recording one for a student of theirs."""
    school = _school(request, slug)
    form = OutcomeForm(request.POST or None, initial={"stage": Outcome.Stage.AFTER_GRADUATION,
                                                      "started_on": timezone.localdate()})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                student = svc.students_of(request.user, _int(request.POST.get("student")))
                if not CohortMembership.objects.filter(user=student, cohort__programme__school=school).exists():
                    raise CareersError(gettext_lazy("No such student at your school."), 404)
                _record(request, student, form)
            except CareersError as exc:
                return render(request, "careers/refused.html", {"message": exc.message}, status=exc.status)
            messages.success(request, _("The outcome is recorded."))
            return redirect("careers:school_outcomes", slug=school.slug)
        status = 422
    students = (CohortMembership.objects.filter(cohort__programme__school=school)
                .select_related("user", "cohort").order_by("user__last_name", "user__first_name"))
    page = Paginator(Outcome.objects.filter(school=school).select_related("student", "cohort__programme", "employer"),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "careers/outcomes_school.html", {
        "school": school, "form": form, "page": page, "students": students[:2000],
    }, status=status)


def outcome_survey(request, token):
    """The six-month survey's one-click form: each outcome is a button; answered twice → 409, expired → 410.
    Public (the link is the credential): rate limited per client."""
    wait = rate_limited(request, "careers-outcome-survey", SURVEY_RATE)
    if wait:
        return rate_limit_response(request, wait)
    try:
        survey = svc.open_survey(token)
    except CareersError as exc:
        return render(request, "careers/outcome_survey.html", {"error": exc.message}, status=exc.status)
    status = 200
    form = SurveyForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                outcome = svc.answer_survey(token, status=d["status"], employer_name=d["employer_name"],
                                            started_on=d["started_on"])
            except CareersError as exc:
                return render(request, "careers/outcome_survey.html", {"error": exc.message, "survey": survey},
                              status=exc.status)
            return render(request, "careers/outcome_survey.html", {"done": outcome, "survey": survey})
        status = 422
    return render(request, "careers/outcome_survey.html", {
        "survey": survey, "form": form, "choices": Outcome.Status.choices}, status=status)
