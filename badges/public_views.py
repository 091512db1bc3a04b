"""Language-neutral machine-readable documents: DID document, issuer profile, status lists,
credential and achievement JSON, badge images, and the short verification link."""
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from badges import media, services
from badges.contexts import OB_V3P0, VC_V2
from badges.models import Achievement, Credential, Skill, StatusList

LD_JSON = "application/ld+json"


def _ld(doc, status=200):
    resp = JsonResponse(doc, status=status, json_dumps_params={"ensure_ascii": False})
    resp["Content-Type"] = LD_JSON
    resp["Access-Control-Allow-Origin"] = "*"
    return resp


@require_GET
def did_json(request):
    """The DID document; verifiers may cache it for BADGES_DID_DOCUMENT_MAX_AGE, the time a new key is published
    before it signs."""
    resp = JsonResponse(services.did_document(), json_dumps_params={"ensure_ascii": False})
    resp["Content-Type"] = "application/did+json"
    resp["Access-Control-Allow-Origin"] = "*"
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
    resp["Access-Control-Allow-Origin"] = "*"
    return resp


@require_GET
def credential_document(request, pk):
    cred = Credential.objects.filter(pk=pk).only("signed_json", "privacy").first()
    if cred is None or cred.privacy == Credential.Privacy.HIDDEN:
        raise Http404
    resp = HttpResponse(cred.signed_json.encode("utf-8"), content_type=LD_JSON)
    resp["Access-Control-Allow-Origin"] = "*"
    return resp


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
    cred = Credential.objects.filter(short_id=short_id).only("pk").first()
    if cred is None:
        raise Http404
    # Unprefixed paths are always French for LocaleMiddleware: pick the visitor's language here.
    lang = translation.get_language_from_request(request, check_path=False)
    with translation.override(lang):
        return redirect(reverse("badges_verify", args=[cred.pk]))



@require_GET
def skill_link(request, slug):
    """The signed ``targetUrl`` of an alignment: the skill's page in the visitor's language (as ``short_link``)."""
    if not Skill.objects.filter(slug=slug).exists():
        raise Http404
    lang = translation.get_language_from_request(request, check_path=False)
    with translation.override(lang):
        return redirect(reverse("badges_skill", args=[slug]))
