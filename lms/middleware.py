"""Request language for the language-neutral URLs (the JSON API): the client's, not the site default.

LocaleMiddleware gives every path outside /en/ the default language (French), which suits pages for people
(the URL says the language) but not integrations: for /api/ the cookie or Accept-Language decides, French
when neither says anything."""
from django.utils import translation

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
