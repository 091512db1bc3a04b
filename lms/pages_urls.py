"""Composing pages of lms/ (profiles, job readiness, dashboards) — URLs under the language prefix."""
from django.urls import include, path

from lms import views, views_profile

urlpatterns: list = [
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/signup/student/", views.signup_student, name="signup_student"),
    path("accounts/signup/employer/", views.signup_employer, name="signup_employer"),
    path("student/", views_profile.student_dashboard, name="student_dashboard"),
    path("profile/", views_profile.profile, name="profile"),
    path("profile/edit/", views_profile.profile_edit, name="profile_edit"),
    path("profile/edit/<slug:section>/", views_profile.profile_section, name="profile_section"),
    path("profile/readiness/", views_profile.readiness, name="readiness"),
    path("p/<uuid:public_id>/", views_profile.public_profile, name="public_profile"),
    path("p/<uuid:public_id>/review/", views_profile.review_profile, name="review_profile"),
    path("p/<uuid:public_id>/connect/", views_profile.connect_profile, name="connect_profile"),
    path("", include("lms.dashboards.urls")),
]
