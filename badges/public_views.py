"""Language-neutral machine-readable documents: DID document, issuer profile, status lists,
credential and achievement JSON, badge images, and the short verification link. Which of them other sites' scripts
may read (CORS) is said in one place, lms/cors.py."""
from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from badges import media, negotiation, services
from badges.contexts import OB_V3P0, VC_V2
from badges.models import Achievement, Credential, Skill, StatusList
from lms.throttle import rate_limit_message, rate_limited

LD_JSON = "application/ld+json"


def _ld(doc, status=200):
    resp = JsonResponse(doc, status=status, json_dumps_params={"ensure_ascii": False})
    resp["Content-Type"] = LD_JSON
    return resp


@require_GET
def did_json(request):
    """The DID document; verifiers may cache it for BADGES_DID_DOCUMENT_MAX_AGE, the time a new key is published
    before it signs."""
    resp = JsonResponse(services.did_document(), json_dumps_params={"ensure_ascii": False})
    resp["Content-Type"] = "application/did+json"
    patch_cache_control(resp, max_age=services.did_document_max_age(), public=True)
    return resp


@require_GET
@cache_control(max_age=300, public=True)
def issuer_json(request):
    return _ld(services.issuer_profile())


@require_GET
@cache_control(max_age=3600, public=True)
def issuer_image(request):
    return HttpResponse(media.badge_png("Flow Stage Academy", "#4c1d95", size=256), content_type="image/png")


@require_GET
@cache_control(max_age=60, public=True)
def status_list(request, number):
    sl = StatusList.objects.filter(number=number).only("signed_json").first()
    if sl is None or not sl.signed_json:
        raise Http404
    resp = HttpResponse(sl.signed_json.encode("utf-8"), content_type=LD_JSON)
    return resp


def negotiated(response):
    """A response whose content depends on the request's Accept header (caches must key on it)."""
    patch_vary_headers(response, ("Accept",))
    return response


def credential_answer(request, cred: Credential, media_type: str):
    """The signed credential, byte for byte as issued, as ``media_type`` (one of negotiation.CREDENTIAL_TYPES),
    to whoever may see its public page (not hidden), revoked or expired too (its status and dates tell); counted
    in the public verification page's rate limit, so asking for JSON does not escape it (429 in JSON)."""
    wait = rate_limited(request, "badges-verify-page", settings.BADGES_VERIFY_PAGE_RATE)
    if wait:
        resp = JsonResponse({"detail": rate_limit_message(wait), "retry_after": wait}, status=429,
                            json_dumps_params={"ensure_ascii": False})
        resp["Retry-After"] = str(wait)
        return negotiated(resp)
    resp = HttpResponse(cred.signed_json.encode("utf-8"), content_type=media_type)
    return negotiated(resp)


def credential_not_found():
    return negotiated(JsonResponse({"detail": "Not found."}, status=404))


def _verify_page_redirect(request, pk):
    """The public verification page in the visitor's language (unprefixed paths are French for LocaleMiddleware)."""
    lang = translation.get_language_from_request(request, check_path=False)
    with translation.override(lang):
        return redirect(reverse("badges_verify", args=[pk]))


@require_GET
def credential_document(request, pk):
    """The credential's id: the signed credential to a client that asks for it (or for anything: ``*/*``, no
    Accept), the verification page (303) to a browser, which prefers ``text/html``."""
    media_type = negotiation.wants_credential(request.headers.get("Accept"), default_html=False)
    cred = Credential.objects.filter(pk=pk).only("pk", "signed_json", "privacy").first()
    if cred is None or cred.privacy == Credential.Privacy.HIDDEN:
        if media_type:
            return credential_not_found()
        raise Http404
    if media_type is None:
        resp = _verify_page_redirect(request, cred.pk)
        resp.status_code = 303
        return negotiated(resp)
    return credential_answer(request, cred, media_type)


@require_GET
@cache_control(max_age=300, public=True)
def achievement_document(request, slug):
    ach = get_object_or_404(Achievement, slug=slug)
    return _ld({"@context": [VC_V2, OB_V3P0], **services.achievement_document(ach)})


@require_GET
@cache_control(max_age=3600, public=True)
def achievement_png(request, slug):
    ach = get_object_or_404(Achievement, slug=slug)
    return HttpResponse(media.badge_png(ach.name, ach.colour), content_type="image/png")


@require_GET
@cache_control(max_age=3600, public=True)
def achievement_svg(request, slug):
    ach = get_object_or_404(Achievement, slug=slug)
    return HttpResponse(media.badge_svg(ach.name, ach.colour), content_type="image/svg+xml")


@require_GET
def short_link(request, short_id):
    """The QR code's address: the verification page for people (a redirect in their language), the signed
    credential itself to a wallet or verifier that asks for it (Accept: application/vc+ld+json, …)."""
    media_type = negotiation.wants_credential(request.headers.get("Accept"), default_html=True)
    cred = Credential.objects.filter(short_id=short_id).only("pk", "signed_json", "privacy").first()
    if cred is None or (media_type and cred.privacy == Credential.Privacy.HIDDEN):
        if media_type:
            return credential_not_found()
        raise Http404
    if media_type:
        return credential_answer(request, cred, media_type)
    return negotiated(_verify_page_redirect(request, cred.pk))



@require_GET
def skill_link(request, slug):
    """The signed ``targetUrl`` of an alignment: the skill's page in the visitor's language (as ``short_link``)."""
    if not Skill.objects.filter(slug=slug).exists():
        raise Http404
    lang = translation.get_language_from_request(request, check_path=False)
    with translation.override(lang):
        return redirect(reverse("badges_skill", args=[slug]))


@require_GET
def scan_trust(request):
    """The trust bundle of the offline verification page (``services.trust_bundle``): issuer keys with their
    validity and signed snapshots of the status lists. Always revalidated (no-cache); the page's service worker
    keeps the last copy for offline use. 503 with the reason while no key may sign the snapshots."""
    wait = rate_limited(request, "badges-verify-page", settings.BADGES_VERIFY_PAGE_RATE)
    if wait:
        resp = JsonResponse({"detail": rate_limit_message(wait), "retry_after": wait}, status=429,
                            json_dumps_params={"ensure_ascii": False})
        resp["Retry-After"] = str(wait)
        return resp
    try:
        bundle = services.trust_bundle()
    except services.KeyNotReady as exc:
        resp = JsonResponse({"detail": str(exc)}, status=503, json_dumps_params={"ensure_ascii": False})
        resp["Retry-After"] = str(max(1, int((exc.retry_at - timezone.now()).total_seconds())))
        return resp
    resp = JsonResponse(bundle, json_dumps_params={"ensure_ascii": False})
    resp["Cache-Control"] = "no-cache"
    return resp


@require_GET
@cache_control(max_age=300, public=True)
def openid_credential_issuer(request):
    """The OpenID for VCI Credential Issuer Metadata (``badges.wallet.issuer_metadata``)."""
    from badges import wallet

    resp = JsonResponse(wallet.issuer_metadata(), json_dumps_params={"ensure_ascii": False})
    return resp


@require_GET
@cache_control(max_age=300, public=True)
def oauth_authorization_server(request):
    """RFC 8414 metadata of the issuer as its own authorisation server: the token endpoint of the pre-authorised
    code grant (``badges.wallet.authorization_server_metadata``)."""
    from badges import wallet

    resp = JsonResponse(wallet.authorization_server_metadata())
    return resp
