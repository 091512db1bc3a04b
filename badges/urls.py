from django.urls import path
from django.views.generic import RedirectView

from badges import views

app_name = "badges"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="badges:mine", permanent=False)),
    path("mine/", views.mine, name="mine"),
    path("verify/", views.verify_upload, name="verify_upload"),
    path("staff/", views.staff, name="staff"),
    path("staff/<uuid:pk>/revoke/", views.staff_revoke, name="revoke"),
    path("staff/bulk/<id:pk>/", views.bulk, name="bulk"),
    path("staff/bulk/<id:pk>/progress.json", views.bulk_progress, name="bulk_progress"),
    path("<uuid:pk>/", views.detail, name="detail"),
    path("<uuid:pk>/credential.json", views.credential_json, name="credential_json"),
    path("<uuid:pk>/badge.png", views.baked_png, name="baked_png"),
    path("<uuid:pk>/badge.svg", views.baked_svg, name="baked_svg"),
    path("<uuid:pk>/qr.png", views.qr_png, name="qr_png"),
    path("<uuid:pk>/qr.svg", views.qr_svg, name="qr_svg"),
    path("<uuid:pk>/qr-offline.png", views.offline_qr_png, name="offline_qr_png"),
    path("<uuid:pk>/qr-offline.svg", views.offline_qr_svg, name="offline_qr_svg"),
    path("<uuid:pk>/wallet/", views.wallet_offer, name="wallet_offer"),
    path("<uuid:pk>/wallet/<uuid:offer>/<slug:protocol>.svg", views.wallet_qr_svg, name="wallet_qr_svg"),
    path("<uuid:pk>/wallet/copies/<uuid:copy>.json", views.wallet_copy_json, name="wallet_copy_json"),
    path("<uuid:pk>/certificate.pdf", views.certificate_pdf, name="certificate_pdf"),
]
