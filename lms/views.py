from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from lms.accounts import roles


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
    (roles.EMPLOYER, "partnerships:employer_internships"),
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
