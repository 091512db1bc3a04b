"""The public verification page and the skills' pages, inside the i18n patterns (French at /verify/…, English at /en/verify/…)."""
from django.urls import path
from django.views.generic import RedirectView

from badges import views

urlpatterns = [
    path("verify/<uuid:pk>/", views.verify_page, name="badges_verify"),
    # a skill that achievements align to (the signed targetUrl /competences/<slug> leads here)
    path("competences/<slug:slug>/", views.skill_page, name="badges_skill"),
    # an employer typing the short address by hand lands on "verify a credential you were given"
    path("verify/", RedirectView.as_view(pattern_name="badges:verify_upload"), name="verify_form"),
]
