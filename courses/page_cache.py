"""What the course pages cache, and when it goes stale.

Every cached piece of course content (Wagtail routes with their site and view restrictions, outlines,
course facts, catalogue cards, rendered lesson bodies) is keyed by one *content version*, bumped by
courses/signals.py whenever a page is saved, published, unpublished, moved or deleted, or a view
restriction, site or locale changes. The cache is the configured one (Redis in the services mode), so a
bump in one process invalidates every process; ``TTL`` is the backstop for anything that slips past.

Nothing here caches what differs between users: enrolment, progress and submissions are read per request.
"""
import hashlib

from django.core.cache import cache
from django.utils.translation import get_language
from wagtail.models import Page
from wagtail.url_routing import RouteResult

TTL = 120  # seconds
VERSION_KEY = "courses:content:version"


def content_version(request=None) -> int:
    """The current content version (read once per request when a request is given)."""
    version = getattr(request, "_courses_content_version", None)
    if version is None:
        version = cache.get(VERSION_KEY, 0)
        if request is not None:
            request._courses_content_version = version
    return version


def bump(**_signal_kwargs) -> None:
    """Invalidate every cached piece of course content (usable as a signal receiver)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, None)


def key(*parts, request=None) -> str:
    return ":".join(["courses", str(content_version(request)), *(str(p) for p in parts)])


def fragment_key(*parts, request=None) -> str:
    """The vary-on value of a ``{% cache %}`` template fragment: the content version, the language and
    everything the fragment shows (a user's progress included), so a fragment is never shown stale."""
    raw = "|".join(str(p) for p in parts)
    return key(get_language() or "", hashlib.sha256(raw.encode()).hexdigest()[:40], request=request)


def _memo(request) -> dict:
    memo = getattr(request, "_courses_cache_memo", None)
    if memo is None:
        memo = request._courses_cache_memo = {}
    return memo


def fetch(key: str, request=None):
    """The cached value (None on a miss); a page reading the same key twice asks the cache once."""
    if request is not None and key in _memo(request):
        return _memo(request)[key]
    value = cache.get(key)
    if value is not None and request is not None:
        _memo(request)[key] = value
    return value


def store(key: str, value, request=None) -> None:
    cache.set(key, value, TTL)
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
    hit = cache.get(route_key)
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
    cache.set(route_key, (site, page), TTL)


class CachedViewRestrictions:
    """Mixin of the course page models: the route cache carries the page's view restrictions along, so
    Wagtail's ``check_view_restrictions`` hook (run on every serve) needs no query on a cache hit. The
    restrictions are still enforced on every request; only their lookup is cached."""

    def cache_view_restrictions(self) -> None:
        self._cached_view_restrictions = list(super().get_view_restrictions())

    def get_view_restrictions(self):
        cached = self.__dict__.get("_cached_view_restrictions")
        return cached if cached is not None else super().get_view_restrictions()
