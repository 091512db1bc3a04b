"""Language-neutral public URLs of the badges app: /.well-known/did.json, issuer, status lists."""
from django.urls import path

from badges import public_views as v

urlpatterns = [
    path(".well-known/did.json", v.did_json, name="badges_did"),
    # OpenID for Verifiable Credential Issuance (badges.wallet): the issuer's and its authorisation server's metadata
    path(".well-known/openid-credential-issuer", v.openid_credential_issuer, name="badges_oid4vci_issuer"),
    path(".well-known/oauth-authorization-server", v.oauth_authorization_server, name="badges_oauth_server"),
    path("issuer.json", v.issuer_json, name="badges_issuer"),
    # the offline verification page's trust bundle (the page itself is in each language: badges.verify_urls)
    path("verify/scan/trust.json", v.scan_trust, name="badges_scan_trust"),
    path("issuer/image.png", v.issuer_image, name="badges_issuer_image"),
    path("status/<id:number>", v.status_list, name="badges_status_list"),
    path("credentials/<uuid:pk>", v.credential_document, name="badges_credential"),
    path("achievements/<slug:slug>", v.achievement_document, name="badges_achievement"),
    path("achievements/<slug:slug>/image.png", v.achievement_png, name="badges_achievement_png"),
    path("achievements/<slug:slug>/image.svg", v.achievement_svg, name="badges_achievement_svg"),
    path("v/<str:short_id>/", v.short_link, name="badges_short"),
    path("competences/<slug:slug>", v.skill_link, name="badges_skill_link"),  # signed as alignment targetUrl
]
