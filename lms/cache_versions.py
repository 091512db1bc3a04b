"""Versioned caching, the one pattern the apps use to cache what many requests read and few change.

A *version* is a number in the shared cache ("default": Redis in the services mode), read once per request.
Values computed from the database are stored in each process's own memory (the "local" cache alias: no
network round trip) under keys that carry the version. Whatever changes the underlying rows bumps the
version (from a signal receiver), which makes every process's copies unreachable at once; a TTL is the
backstop. Nothing here imports an app: lms.accounts and courses both build on it.
"""
import secrets

from django.core.cache import cache
from django.db import transaction

LOCAL = "local"  # the cache alias of the versioned values (templates: {% cache … using="local" %})


_KEYS: set[str] = set()


def register(version_key: str) -> str:
    """Declare a version key (at import): a request reads every declared version in one round trip."""
    _KEYS.add(version_key)
    return version_key


def version(version_key: str, request=None) -> int:
    """The current version; with a request, every declared version is read at once, then remembered.

    While the shared cache is down (lms/cache_backend.py: ``degraded``) a bump cannot reach the other processes:
    each read then gets a version of its own, so nothing cached earlier is served and the database answers."""
    if getattr(cache, "degraded", False):
        return -secrets.randbits(62) - 1
    if request is None:
        return cache.get(version_key, 0)
    memo = getattr(request, "_cache_versions", None)
    if memo is None or version_key not in memo:
        keys = _KEYS | {version_key}
        found = cache.get_many(list(keys))
        memo = request._cache_versions = {k: found.get(k, 0) for k in keys}
    return memo[version_key]


def _incr(version_key: str) -> None:
    try:
        cache.incr(version_key)
    except ValueError:
        cache.set(version_key, 1, None)


def bump(version_key: str) -> None:
    """Move a version on now (this transaction then reads fresh values) and again when the transaction
    commits: another process that read the first new version before the commit may have cached what it
    saw of the old rows under it; the second bump makes that unreachable."""
    _incr(version_key)
    transaction.on_commit(lambda: _incr(version_key))
