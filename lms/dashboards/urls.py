from django.urls import path

from . import views

urlpatterns = [
    path("school-dashboard/", views.school_dashboard_home, name="school_dashboard_home"),
    path("school-dashboard/<slug:slug>/", views.school_dashboard, name="school_dashboard"),
    path("school-dashboard/<slug:slug>/export.csv", views.school_dashboard_csv, name="school_dashboard_csv"),
    path("flow-stage/kpis/", views.flowstage_dashboard, name="flowstage_dashboard"),
]
