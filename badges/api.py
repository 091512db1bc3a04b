"""JSON API of the badges app, mounted at /api/v1/credentials."""
from django.conf import settings
from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import HttpError

from badges import selectors, verification
from badges.resolver import verify
from lms.templatetags.i18n_messages import localize
from lms.throttle import busy_response, concurrency_slot, rate_limit_response, rate_limited

router = Router(tags=["badges"])


@router.post("/verify", auth=None, summary="Verify an Open Badges 3.0 credential",
             openapi_extra={"requestBody": {"content": {"application/json": {"schema": {"type": "object"}}},
                                            "required": True}})
def verify_credential(request):
    """POST the credential JSON as the body. Answers the verdict (VALID, REVOKED, EXPIRED, INVALID),
    the reason and each check, in stable English; ``localized`` repeats the reason and the check details in
    the client's language (Accept-Language; French by default). Never fetches anything from the
    network. The body is at most 256 KB (413 beyond); the credential's size and complexity are bounded
    before any JSON-LD work (README "Security"); each client may verify BADGES_VERIFY_RATE credentials
    (429 with Retry-After beyond, shared with the upload page); at most BADGES_VERIFY_CONCURRENCY verifications
    of uploads run at once on the whole server (503 with Retry-After beyond)."""
    wait = rate_limited(request, "badges-verify", settings.BADGES_VERIFY_RATE)
    if wait:
        return rate_limit_response(request, wait)
    limit = verification.MAX_UPLOAD_BYTES
    length = request.META.get("CONTENT_LENGTH") or "0"
    length = int(length) if length.isdigit() else 0
    if length > limit:  # refused before the body is read
        raise HttpError(413, _("The credential is too large (%(size)s bytes; the limit is %(limit)s bytes).")
                        % {"size": length, "limit": limit})
    body = request.read(limit + 1)
    if len(body) > limit:
        raise HttpError(413, _("The credential is too large (more than %(limit)s bytes).") % {"limit": limit})
    if not body.strip():
        raise HttpError(400, _("Empty body: POST the credential JSON."))
    with concurrency_slot("badges-verify", settings.BADGES_VERIFY_CONCURRENCY) as taken:
        if not taken:
            return busy_response(request)
        report = verify(body)
    data = report.as_dict()
    data["localized"] = {"language": translation.get_language(), "reason": localize(report.message),
                         "checks": [{"name": c.name, "detail": localize(c.message)} for c in report.checks]}
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@router.get("/mine", summary="The signed-in user's credentials")
def my_credentials(request):
    """The achievements' names are in the client's language (Accept-Language; French by default), given as
    ``language``."""
    lang = translation.get_language()
    return JsonResponse({"language": lang, "credentials": selectors.credentials_for_user(request.user, lang, request)},
                        json_dumps_params={"default": str})
