from django.urls import path

from . import views

app_name = "partnerships"

urlpatterns: list = [
    path("", views.schools, name="schools"),
    path("cohorts/", views.cohorts, name="cohorts"),
    path("cohorts/<id:pk>/", views.cohort_detail, name="cohort_detail"),
    path("cohorts/<id:pk>/enrol/", views.cohort_enrol, name="cohort_enrol"),
    path("cohorts/<id:pk>/import/", views.cohort_import, name="cohort_import"),
    path("cohorts/<id:pk>/import/confirm/", views.cohort_import_confirm, name="cohort_import_confirm"),
    path("cohorts/<id:pk>/invitations/<id:invitation_id>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("partnerships/<id:pk>/transition/", views.partnership_transition, name="partnership_transition"),
    path("service-requests/", views.service_requests_all, name="service_requests_all"),
    path("service-requests/<id:pk>/", views.service_request_handle, name="service_request_handle"),
    path("<slug:slug>/services/", views.service_requests, name="service_requests"),
    path("<slug:slug>/", views.school_detail, name="school_detail"),
]
