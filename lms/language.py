"""The language switcher: the same page in the other language, for Django and Wagtail pages alike.

Django's own ``set_language`` translates the ``next`` URL by resolving it in the language of the switch
request itself; ``/i18n/setlang/`` has no prefix, so it is French, and an English path such as
``/en/catalogue/`` resolves there as a Wagtail path ``en/catalogue/`` and comes back unchanged: the reader
could never leave English. Here the path is resolved in its own language (its prefix), then:

- a Django page is reversed in the other language with the same arguments and query string;
- a Wagtail page goes to its translation through ``translation_key`` (courses.selectors), or the nearest
  translated ancestor when only one language has it;
- a path that serves nothing keeps its tail under the other language's prefix.

A ``next`` parameter in the query string (the login page's) is translated the same way.
"""
from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import Resolver404, NoReverseMatch, resolve, reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_protect

WAGTAIL_ROUTE = "page_serve"


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def split_language(path: str) -> tuple[str, str]:
    """(language, path without the prefix, starting with /) of a path of the i18n patterns."""
    lang = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
    prefix = f"/{lang}/"
    if lang != settings.LANGUAGE_CODE and (path + "/").startswith(prefix):
        path = "/" + path[len(prefix):]
    return lang, path


def prefixed(path: str, lang: str) -> str:
    """``path`` (unprefixed) under ``lang``'s prefix (none for the default language)."""
    return path if lang == settings.LANGUAGE_CODE else f"/{lang}{path}"


def translate_path(request, path: str, lang: str) -> str:
    """``path`` (with its language prefix, if any) as the same page in ``lang``."""
    source, bare = split_language(path)
    if source == lang:
        return path
    with translation.override(source):
        try:
            match = resolve(path)
        except Resolver404:
            match = None
        if match is not None and match.url_name == WAGTAIL_ROUTE:
            from courses.selectors import translated_page_url  # the composing layer may import any app

            url = translated_page_url(request, bare, lang)
            if url:
                return url
            return prefixed(bare, lang)  # no page there (a 404): the same tail in the other language
    if match is not None:
        with translation.override(lang):
            try:
                return reverse(match.view_name, args=match.args, kwargs=match.kwargs)
            except NoReverseMatch:
                pass
    return prefixed(bare, lang)


def translate_url(request, url: str, lang: str) -> str:
    """A local URL (path, query, fragment) as the same page in ``lang``; its ``next`` parameter too."""
    parts = urlsplit(url)
    path = translate_path(request, unquote(parts.path) or "/", lang)  # (a page's full path is percent-encoded)
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        pairs = [(k, translate_path(request, v, lang) if k == "next" and v.startswith("/") and not v.startswith("//")
                  else v) for k, v in pairs]
        query = urlencode(pairs)
    return urlunsplit(("", "", path, query, parts.fragment))


@csrf_protect
def set_language(request):
    """POST ``language`` and ``next``: remember the language (cookie) and go to the same page in it."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    lang = request.POST.get("language", "")[:8]
    nxt = request.POST.get("next") or request.META.get("HTTP_REFERER") or "/"
    safe = url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    if not safe:
        nxt = "/"
    parts = urlsplit(nxt)
    local = urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))
    if lang not in _languages():
        return HttpResponseRedirect(local)
    response = HttpResponseRedirect(translate_url(request, local, lang))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, lang, max_age=settings.LANGUAGE_COOKIE_AGE, path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN, secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY, samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
