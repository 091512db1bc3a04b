"""JSON API of the badges app, mounted at /api/v1/credentials."""
from django.http import JsonResponse
from django.utils import translation
from ninja import Router
from ninja.errors import HttpError

from badges import media, selectors
from badges.resolver import verify
from lms.templatetags.i18n_messages import localize

router = Router(tags=["badges"])


@router.post("/verify", auth=None, summary="Verify an Open Badges 3.0 credential",
             openapi_extra={"requestBody": {"content": {"application/json": {"schema": {"type": "object"}}},
                                            "required": True}})
def verify_credential(request):
    """POST the credential JSON as the body. Answers the verdict (VALID, REVOKED, EXPIRED, INVALID),
    the reason and each check, in stable English; ``localized`` repeats the reason and the check details in
    the client's language (Accept-Language; French by default). Never fetches anything from the
    network."""
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > media.MAX_FILE_BYTES:
        raise HttpError(413, f"Credential too large ({length} bytes, limit {media.MAX_FILE_BYTES}).")
    body = request.body
    if not body.strip():
        raise HttpError(400, "Empty body: POST the credential JSON.")
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
