"""Request language for the language-neutral URLs (the JSON API): the client's, not the site default.

LocaleMiddleware gives every path outside /en/ the default language (French), which suits pages for people
(the URL says the language) but not integrations: for /api/ the cookie or Accept-Language decides, French
when neither says anything."""
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


class ClientLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(API_PREFIX):
            language = translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


# --- NUL characters ---------------------------------------------------------------------------------------------
# PostgreSQL's text cannot hold a NUL character (U+0000): a query value, form field or JSON string carrying one
# reached a filter or a save and raised DataError, a 500 (found by the API fuzz test on the services run:
# GET /api/v1/courses/?kind=%00). No field of the platform takes one, so a request carrying one is refused at the
# door with a 400 and its reason. File uploads (multipart) are not scanned: a file's bytes may be anything.
_NUL_IN_BODY = {"json": (b"\x00", b"\\u0000"), "form": (b"\x00", b"%00")}


def _carries_nul(request) -> bool:
    if "\x00" in request.path or any("\x00" in k or "\x00" in v for k, vs in request.GET.lists() for v in vs):
        return True
    content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    kind = ("json" if content_type == "application/json" or content_type.endswith("+json")
            else "form" if content_type == "application/x-www-form-urlencoded" else None)
    if kind is None:
        return False
    try:
        body = request.body
    except Exception:  # noqa: BLE001 - too large or unreadable: the view's own checks answer
        return False
    return any(marker in body for marker in _NUL_IN_BODY[kind])


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _carries_nul(request):
            message = _("The request contains a NUL character (U+0000), which no field accepts: remove it.")
            if request.path_info.startswith(API_PREFIX):
                return JsonResponse({"detail": message}, status=400, json_dumps_params={"ensure_ascii": False})
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
