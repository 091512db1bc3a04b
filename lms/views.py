from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from lms.accounts import roles
from lms.accounts import services as account_services
from lms.accounts.forms import EmployerSignupForm, SignupForm
from partnerships import services as partnership_services


def healthz(request):
    return JsonResponse({"status": "ok"})


def home(request):
    return render(request, "lms/home.html")


# Where each role lands after signing in, in order of precedence.
ROLE_HOME = [
    (roles.FLOWSTAGE_STAFF, "flowstage_dashboard"),
    (roles.SCHOOL_STAFF, "school_dashboard_home"),
    (roles.EXAMINER, "exams:examiner_queue"),
    (roles.TEACHER, "courses:grading"),
    (roles.EMPLOYER, "careers:employer_home"),  # their offers and applicants (badges are checked there too)
    (roles.STUDENT, "student_dashboard"),
]


@login_required
def dashboard(request):
    """Send each user to the home page of their main role."""
    mine = roles.user_roles(request.user)
    for role, url_name in ROLE_HOME:
        if role in mine:
            try:
                return redirect(reverse(url_name))
            except NoReverseMatch:
                continue
    return render(request, "lms/home.html")


# --- Sign-up (students and employers) -------------------------------------------------------------
def signup(request):
    """Choose between a student and an employer account."""
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "lms/signup_choice.html")


def _signup(request, form_class, role, template_title, after_create=None):
    if request.user.is_authenticated:
        return redirect("dashboard")
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                user = account_services.register_user(
                    email=data["email"], password=data["password1"], first_name=data["first_name"],
                    last_name=data["last_name"], role=role, preferred_language=(get_language() or "fr")[:2],
                )
                if after_create:
                    after_create(user, data)
        except account_services.EmailTaken as exc:
            form.add_error("email", exc)
        except partnership_services.EmployerJoinRefused as exc:
            form.add_error("company", exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to Flow Stage Academy!"))
            return redirect("dashboard")
    return render(request, "lms/signup_form.html", {"form": form, "title": template_title, "role": role})


@sensitive_post_parameters("password1", "password2")
def signup_student(request):
    return _signup(request, SignupForm, roles.STUDENT, _("Create a student account"))


@sensitive_post_parameters("password1", "password2")
def signup_employer(request):
    return _signup(request, EmployerSignupForm, roles.EMPLOYER, _("Create an employer account"),
                   after_create=lambda user, data: partnership_services.join_employer(user, data["company"]))
