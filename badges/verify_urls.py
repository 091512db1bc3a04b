"""The public verification page, inside the i18n patterns (French at /verify/…, English at /en/verify/…)."""
from django.urls import path

from badges import views

urlpatterns = [
    path("verify/<uuid:pk>/", views.verify_page, name="badges_verify"),
]
