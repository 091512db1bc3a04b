"""The shared cache on Redis, degrading to each process's memory while Redis is down (never to an error page).

Django's Redis backend raises when Redis is unreachable, so every page that reads a cache version, every rate
limit and the verification concurrency counter would answer 500. ``ResilientRedisCache`` catches Redis's errors:

- while Redis is down (and for ``BREAK_SECONDS`` after each failure, so that requests do not each wait for a
  refused connection) every operation goes to a local-memory cache of the process: reads miss (the database
  answers), rate-limit counters count per process (a local fallback: the limits still hold, each process
  counting apart, as in the embedded mode), the verification slots are per process;
- ``degraded`` tells ``lms.cache_versions`` to hand out versions no cached value has, so nothing cached under an
  old version is served while bumps cannot reach the other processes;
- when Redis answers again, the version bumps made meanwhile (keys without expiry incremented locally) are added
  to Redis's values, so the other processes drop what they cached before, and the local fallback is emptied.

Sessions are not in the cache (SESSION_ENGINE is the database's): a Redis outage signs nobody out.
"""
import logging
import time

import redis.exceptions
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

log = logging.getLogger(__name__)

REDIS_ERRORS = (redis.exceptions.RedisError, ConnectionError, TimeoutError, OSError)
BREAK_SECONDS = 5.0


class _ReusedClientCache(RedisCacheClient):
    """Django's client builds a new ``redis.Redis`` object (about 170 response callbacks registered) for every
    operation: a tenth of a millisecond of CPU on each page that reads a cache version. The object is kept per
    connection pool instead (it holds no connection of its own; Django's cache objects are per thread)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        params = dict(params)
        options = {"socket_connect_timeout": 0.5, "socket_timeout": 2, **params.get("OPTIONS", {})}
        self.break_seconds = float(options.pop("BREAK_SECONDS", BREAK_SECONDS))
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._class = _ReusedClientCache
        self._fallback = LocMemCache(f"redis-fallback-{id(self)}", {"OPTIONS": {"MAX_ENTRIES": 5000}})
        self._down_until = 0.0
        self._was_down = False
        self._bumped: dict[str, int] = {}

    @property
    def degraded(self) -> bool:
        return self._was_down and time.monotonic() < self._down_until

    def _call(self, name, *args, **kwargs):
        if self.degraded:
            return self._local(name, *args, **kwargs)
        try:
            result = getattr(super(), name)(*args, **kwargs)
        except REDIS_ERRORS as exc:
            if not self._was_down:
                log.warning("Redis cache unavailable (%s): using each process's memory until it is back", exc)
            self._was_down = True
            self._down_until = time.monotonic() + self.break_seconds
            return self._local(name, *args, **kwargs)
        if self._was_down:
            self._recovered()
        return result

    def _local(self, name, *args, **kwargs):
        result = getattr(self._fallback, name)(*args, **kwargs)
        if name == "incr":
            key = args[0]
            self._bumped[key] = self._bumped.get(key, 0) + (args[1] if len(args) > 1 else kwargs.get("delta", 1))
        elif name == "set" and len(args) > 2 and args[2] is None and isinstance(args[1], int):
            self._bumped[args[0]] = args[1]  # a version's first bump (cache_versions._incr): set to 1, no expiry
        return result

    def _recovered(self) -> None:
        self._was_down = False
        bumped, self._bumped = self._bumped, {}
        for key, delta in bumped.items():
            internal = self._fallback.make_and_validate_key(key)
            if self._fallback._expire_info.get(internal, 0) is not None:
                continue  # a counter with an expiry (a rate limit's window): it ends by itself
            try:
                super().incr(key, delta)
            except ValueError:
                super().add(key, delta, None)
            except REDIS_ERRORS:
                return
        self._fallback.clear()
        log.warning("Redis cache back; %s version bump(s) replayed", len(bumped))

    # Every operation of the cache API goes through _call.
    def add(self, *a, **k):
        return self._call("add", *a, **k)

    def get(self, *a, **k):
        return self._call("get", *a, **k)

    def set(self, *a, **k):
        return self._call("set", *a, **k)

    def touch(self, *a, **k):
        return self._call("touch", *a, **k)

    def delete(self, *a, **k):
        return self._call("delete", *a, **k)

    def get_many(self, *a, **k):
        return self._call("get_many", *a, **k)

    def has_key(self, *a, **k):
        return self._call("has_key", *a, **k)

    def incr(self, *a, **k):
        return self._call("incr", *a, **k)

    def set_many(self, *a, **k):
        return self._call("set_many", *a, **k)

    def delete_many(self, *a, **k):
        return self._call("delete_many", *a, **k)

    def clear(self):
        return self._call("clear")
