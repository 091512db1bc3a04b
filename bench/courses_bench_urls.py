"""The project's URLs plus /bench-minimal/: the baseline of bench/courses_rps.py (same middleware stack)."""
from django.http import HttpResponse
from django.urls import path

from lms.urls import urlpatterns as project_urlpatterns


def minimal(request):
    return HttpResponse(f"ok {request.user.is_authenticated}", content_type="text/plain")


urlpatterns = [path("bench-minimal/", minimal)] + project_urlpatterns
