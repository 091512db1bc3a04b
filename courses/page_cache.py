"""What the course pages cache, and when it goes stale.

Every cached piece of course content (Wagtail routes with their site and view restrictions, outlines,
course facts, catalogue cards, rendered lesson bodies and page fragments) is keyed by one *content
version*, bumped by courses/signals.py whenever a page is saved, published, unpublished, moved or
deleted, or a view restriction, site or locale changes. The version lives in the shared cache ("default":
Redis in the services mode) and is read once per request; the versioned values live in each process's
own memory (the "local" cache: no network round trip, nothing to share), so a bump in any process makes
every process's copies unreachable at once (lms/cache_versions.py). ``TTL`` is the backstop.

Nothing here caches what differs between users: enrolment, progress and submissions are read per request.
"""
import hashlib

from django.core.cache import caches
from django.utils.translation import get_language
from wagtail.models import Page
from wagtail.url_routing import RouteResult

from lms import cache_versions

TTL = 120  # seconds
VERSION_KEY = cache_versions.register("courses:content:version")
LOCAL = cache_versions.LOCAL


def content_version(request=None) -> int:
    """The current content version (read once per request when a request is given)."""
    return cache_versions.version(VERSION_KEY, request)


def bump(**_signal_kwargs) -> None:
    """Invalidate every cached piece of course content (usable as a signal receiver)."""
    cache_versions.bump(VERSION_KEY)


def key(*parts, request=None) -> str:
    return ":".join(["courses", str(content_version(request)), *(str(p) for p in parts)])


def previewing(request) -> bool:
    """An author's preview of unsaved content: nothing is read from or written to the cache."""
    return bool(getattr(request, "is_preview", False))


def fragment(*parts, request) -> dict:
    """The context of a ``{% cache fragment_ttl name fragment_key using="local" %}`` template fragment: its
    vary-on value holds the content version, the language and everything the fragment shows (a user's
    progress included), so a fragment is never shown stale; a preview neither reads nor stores one."""
    raw = "|".join(str(p) for p in parts)
    if previewing(request):
        return {"fragment_ttl": 0, "fragment_key": f"preview:{id(request)}:{raw}"}
    return {"fragment_ttl": TTL,
            "fragment_key": key(get_language() or "", hashlib.sha256(raw.encode()).hexdigest()[:40], request=request)}


def _memo(request) -> dict:
    memo = getattr(request, "_courses_cache_memo", None)
    if memo is None:
        memo = request._courses_cache_memo = {}
    return memo


def fetch(key: str, request=None):
    """The cached value (None on a miss); a page reading the same key twice asks the cache once."""
    if request is not None and key in _memo(request):
        return _memo(request)[key]
    value = caches[LOCAL].get(key)
    if value is not None and request is not None:
        _memo(request)[key] = value
    return value


def store(key: str, value, request=None) -> None:
    caches[LOCAL].set(key, value, TTL)
    if request is not None:
        _memo(request)[key] = value


# --------------------------------------------------------------------------------------------------
# Wagtail routes: site lookup, the tree walk and the view restrictions, once per content version
# --------------------------------------------------------------------------------------------------
def _route_key(request, path: str) -> str:
    return key("route", request.get_host(), get_language() or "", path, request=request)


def route(request, path: str) -> None:
    """Give Wagtail the site and the route of this request (``request._wagtail_site`` and
    ``request._wagtail_route_for_request``, which ``wagtail.views.serve`` reads before routing itself),
    from the cache when it has them, else by Wagtail's routing, caching a plain page route.

    Only routes to a page without sub-URL arguments are cached, and only pages that can carry their view
    restrictions along (``CachedViewRestrictions``); a path that does not resolve is never cached."""
    route_key = _route_key(request, path)
    hit = caches[LOCAL].get(route_key)
    if hit is not None:
        request._wagtail_site, page = hit
        request._wagtail_route_for_request = RouteResult(page)
        return
    result = Page.route_for_request(request, path)
    site = getattr(request, "_wagtail_site", None)
    if result is None or site is None:
        return
    page, args, kwargs = result
    if args or kwargs or not isinstance(page, CachedViewRestrictions):
        return
    page.cache_view_restrictions()
    caches[LOCAL].set(route_key, (site, page), TTL)


class CachedViewRestrictions:
    """Mixin of the course page models: the route cache carries the page's view restrictions along, so
    Wagtail's ``check_view_restrictions`` hook (run on every serve) needs no query on a cache hit. The
    restrictions are still enforced on every request; only their lookup is cached."""

    def cache_view_restrictions(self) -> None:
        self._cached_view_restrictions = list(super().get_view_restrictions())

    def get_view_restrictions(self):
        cached = self.__dict__.get("_cached_view_restrictions")
        return cached if cached is not None else super().get_view_restrictions()
