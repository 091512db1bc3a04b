"""The public verification page and the skills' pages, inside the i18n patterns (French at /verify/…, English at /en/verify/…)."""
from django.urls import path
from django.views.generic import RedirectView

from badges import views

urlpatterns = [
    path("verify/<uuid:pk>/", views.verify_page, name="badges_verify"),
    # the offline verification page, its manifest and its service worker (scope: the page's folder)
    path("verify/scan/", views.scan_page, name="badges_scan"),
    path("verify/scan/manifest.webmanifest", views.scan_manifest, name="badges_scan_manifest"),
    path("verify/scan/sw.js", views.scan_worker, name="badges_scan_worker"),
    # a skill that achievements align to (the signed targetUrl /competences/<slug> leads here)
    path("competences/<slug:slug>/", views.skill_page, name="badges_skill"),
    # an employer typing the short address by hand lands on "verify a credential you were given"
    path("verify/", RedirectView.as_view(pattern_name="badges:verify_upload"), name="verify_form"),
]
