"""Throttling: password logins with django-axes, and the rate limit of public endpoints that do expensive work
on untrusted input (credential verification) with django-ratelimit. Settings in lms/settings.py ("Login
throttling", "Rate limit of the public verification endpoints"); README "Security" explains the policy.

Two counters, each kept by axes in the database (AccessAttempt):
- per account from one client (e-mail + IP): LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT failures lock that pair;
  the same account from another client is not locked, so nobody can lock a user out from afar;
- per client (IP), whatever the account: LOGIN_FAILURES_PER_CLIENT failures lock the client (password
  spraying over many accounts); higher, since a school's network puts many students behind one address.
A lock lasts AXES_COOLOFF_TIME after the last counted failure (failures during a lock are not counted, so
the end is known and told); a successful login clears the account-and-client counter.
"""
from __future__ import annotations

import math
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import caches
from django.db.models import Max, Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit
from django_ratelimit.core import get_usage


def normalised_username(request, credentials) -> str | None:
    """The account a login names, as the User model compares it (e-mail, case-insensitive)."""
    value = (credentials or {}).get("username") or (credentials or {}).get("email")
    if value is None and request is not None and request.method == "POST":
        value = request.POST.get("username")
    return value.strip().lower()[:254] if isinstance(value, str) else None


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT reverse proxies, the address the
    outermost trusted proxy saw (the N-th entry from the right of X-Forwarded-For; the left ones are the
    client's to forge)."""
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


class LoginThrottleHandler(AxesDatabaseHandler):
    """axes' database handler with one limit per lockout parameter group (axes has one for all): the
    failures of each group are scaled so that reaching the group's own limit reaches AXES_FAILURE_LIMIT."""

    def get_failures(self, request, credentials=None) -> int:
        base = get_failure_limit(request, credentials)
        worst = 0
        for attempts, limit in zip(self.get_user_attempts(request, credentials), group_limits()):
            failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            worst = max(worst, failures * base // limit)
        return worst


def group_limits() -> tuple[int, int]:
    """Limits in the order of AXES_LOCKOUT_PARAMETERS: (e-mail + IP, IP)."""
    return settings.LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT, settings.LOGIN_FAILURES_PER_CLIENT


def retry_at(request):
    """When this client may try again: the cool-off after its last counted failure."""
    from axes.models import AccessAttempt

    cool_off = get_cool_off(request)
    ip = getattr(request, "axes_ip_address", None) or client_ip(request)
    last = AccessAttempt.objects.filter(ip_address=ip).aggregate(t=Max("attempt_time"))["t"] or timezone.now()
    return last + cool_off


def lockout_response(request, original_response=None, credentials=None):
    """What a locked-out client gets: 429 with Retry-After, JSON for the API, a page for people; in the
    client's language (the page's URL, or the API's Accept-Language)."""
    when = retry_at(request)
    seconds = max(1, math.ceil((when - timezone.now()).total_seconds()))
    minutes = max(1, math.ceil(seconds / 60))
    local = timezone.localtime(when)
    message = ngettext(
        "Too many failed sign-in attempts. For your security, signing in is paused for this account from "
        "your connection: try again in %(minutes)s minute (after %(time)s).",
        "Too many failed sign-in attempts. For your security, signing in is paused for this account from "
        "your connection: try again in %(minutes)s minutes (after %(time)s).",
        minutes,
    ) % {"minutes": minutes, "time": time_format(local, "H:i")}
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message, "retry_after": seconds, "retry_at": when.isoformat()},
                                status=429)
    else:
        response = render(request, "registration/lockout.html",
                          {"message": message, "retry_at": local, "minutes": minutes}, status=429)
    response["Retry-After"] = str(seconds)
    return response


# ------------------------------------------------------------------------------- rate limits (django-ratelimit)
def _client_key(group, request) -> str:
    return client_ip(request) or "unknown"


def rate_limited(request, group: str, rate: str) -> int | None:
    """Count this request against ``rate`` ("20/m") for its client in ``group``; the seconds until the client may
    try again when it is over the limit, else None. The requests refused are counted too (a client that keeps
    hammering stays refused until the window ends)."""
    usage = get_usage(request, group=group, key=_client_key, rate=rate, increment=True)
    if usage is None or not usage["should_limit"]:
        return None
    return max(1, int(usage["time_left"]))


def rate_limit_message(seconds: int) -> str:
    return ngettext(
        "Too many verification requests from your connection. Please wait %(seconds)s second and try again.",
        "Too many verification requests from your connection. Please wait %(seconds)s seconds and try again.",
        seconds,
    ) % {"seconds": seconds}


def rate_limit_response(request, seconds: int, template: str = "429.html", context: dict | None = None):
    """429 with Retry-After, in the client's language: JSON ``{"detail", "retry_after"}`` under /api/, else
    ``template`` rendered with ``message`` (and ``context``)."""
    message = rate_limit_message(seconds)
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message, "retry_after": seconds}, status=429,
                                json_dumps_params={"ensure_ascii": False})
    else:
        response = render(request, template, {**(context or {}), "message": message, "retry_after": seconds},
                          status=429)
    response["Retry-After"] = str(seconds)
    return response


# ------------------------------------------------------------------------------- concurrency cap (all processes)
@contextmanager
def concurrency_slot(name: str, limit: int, lifetime: int = 60):
    """Take one of ``limit`` slots of ``name`` shared by every process (a counter in the rate limit's cache:
    Redis in the services mode); yields True when taken, False when all are in use (then nothing is taken).
    Keeps sync gunicorn workers free for other requests while expensive requests run (a per-process cap would
    not: a sync worker serves one request at a time). A worker killed while holding a slot leaks it for at
    most ``lifetime`` seconds: the counter expires ``lifetime`` seconds after it was created."""
    cache = caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")]
    key = f"concurrency:{name}"
    cache.add(key, 0, lifetime)
    try:
        taken = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, lifetime)
        taken = 1
    if taken > limit:
        _release(cache, key)
        yield False
        return
    try:
        yield True
    finally:
        _release(cache, key)


def _release(cache, key) -> None:
    try:
        cache.decr(key)
    except ValueError:  # the counter expired meanwhile: nothing to give back
        pass


def busy_message() -> str:
    return _("The verifier is busy. Please try again in a few seconds.")


def busy_response(request, seconds: int = 2, template: str = "503.html", context: dict | None = None):
    """503 with Retry-After when every slot of an expensive endpoint is in use, in the client's language."""
    message = busy_message()
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message, "retry_after": seconds}, status=503,
                                json_dumps_params={"ensure_ascii": False})
    else:
        response = render(request, template, {**(context or {}), "message": message, "retry_after": seconds},
                          status=503)
    response["Retry-After"] = str(seconds)
    return response
