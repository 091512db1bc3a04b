from django.urls import path

from . import outcome_views, views

app_name = "careers"

urlpatterns = [
    path("", views.matches, name="matches"),
    path("offers/<int:pk>/", views.offer_detail, name="offer"),
    path("offers/<int:pk>/apply/", views.apply, name="apply"),
    path("offers/<int:pk>/contact-school/", views.contact_school, name="contact_school"),
    path("applications/", views.applications, name="applications"),
    path("applications/<int:pk>/", views.application, name="application"),
    path("applications/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("applications/<int:pk>/withdraw-consent/", views.withdraw_consent, name="withdraw_consent"),
    path("preferences/", views.preferences, name="preferences"),
    path("employer/", views.employer_home, name="employer_home"),
    path("employer/offers/new/", views.offer_form, name="offer_new"),
    path("employer/offers/<int:pk>/", views.employer_offer, name="employer_offer"),
    path("employer/offers/<int:pk>/edit/", views.offer_form, name="offer_edit"),
    path("employer/offers/<int:pk>/applicants/", views.applicants, name="employer_applicants"),
    path("employer/offers/<int:pk>/do/<slug:action>/", views.offer_action, name="offer_action"),
    path("employer/applications/<int:pk>/", views.employer_application, name="employer_application"),
    path("employer/applications/<int:pk>/decide/", views.decide, name="decide"),
    path("employer/cv/", views.cv_database, name="cv_database"),
    path("school/<slug:slug>/partners/", views.school_partners, name="school_partners"),
    path("agreements/", views.agreements, name="agreements"),
    path("applications/<id:application_pk>/agreement/", views.agreement_new, name="agreement_new"),
    path("agreements/<id:pk>/", views.agreement, name="agreement"),
    path("agreements/<id:pk>/edit/", views.agreement_edit, name="agreement_edit"),
    path("agreements/<id:pk>/sign/", views.agreement_sign, name="agreement_sign"),
    path("agreements/<id:pk>/tutor-link/", views.agreement_tutor_link, name="agreement_tutor_link"),
    path("agreements/<id:pk>/agreement.pdf", views.agreement_pdf, name="agreement_pdf"),
    path("agreements/check/", views.agreement_check, name="agreement_check"),
    path("agreements/check/<str:document_hash>/", views.agreement_check, name="agreement_check_hash"),
    path("agreements/tutor/<str:token>/", views.tutor_link, name="tutor_link"),
    # final report and credits, cancellation
    path("agreements/<id:pk>/cancel/", views.agreement_cancel, name="agreement_cancel"),
    path("agreements/<id:pk>/report/", views.report, name="report"),
    path("agreements/<id:pk>/report/file/", views.report_file, name="report_file"),
    path("agreements/<id:pk>/report/do/<slug:action>/", views.report_action, name="report_action"),
    path("agreements/report/tutor/<str:token>/", views.report_tutor_link, name="report_tutor_link"),
    # --- Outcomes
    path("outcomes/", outcome_views.my_outcomes, name="my_outcomes"),
    path("outcomes/rate/", outcome_views.rate, name="rate"),
    path("outcomes/survey/<str:token>/", outcome_views.outcome_survey, name="outcome_survey"),
    path("school/<slug:slug>/outcomes/", outcome_views.school_outcomes, name="school_outcomes"),
]
