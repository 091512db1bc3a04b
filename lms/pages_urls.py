"""Composing pages of lms/ (profiles, job readiness, dashboards) — URLs under the language prefix."""
from django.urls import path

urlpatterns: list = []
