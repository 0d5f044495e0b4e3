"""Django's Redis cache backend, where an unreachable Redis is an empty cache.

Django's RedisCache raises on connection errors, which turns a cache outage
into a site outage. Here, when Redis cannot be reached or does not answer in
time, reads miss, writes and deletes are dropped, and `incr` says the key is
missing (callers already handle that), so pages are built from the database
as on a cold cache. Only unreachability is forgiven: any other Redis error (a
wrong command, a full memory) still raises. It is done at the level of the
backend's public methods (`get`, `set`…), so it rests on Django's documented
cache API alone.

- Short socket timeouts (OPTIONS `socket_connect_timeout`, `socket_timeout`;
  redis-py's default is 5 s), so a hanging Redis costs a request half a second.
- After a failure the process leaves Redis alone for RETRY_AFTER_SECONDS, so a
  dead Redis is waited for once per interval, not on every call.
- The outage is logged when it starts, at most once a minute while it lasts,
  and when it ends (sanita33/outage.py), instead of on every call.

Why not django-redis with IGNORE_EXCEPTIONS: its ignored calls return None, so
`incr` (the signup budget) returns None instead of raising ValueError; it logs
every ignored error; and it would replace the serializer and key format.
"""

from __future__ import annotations

import functools
import logging
import threading

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from sanita33.outage import Outage

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
SOCKET_TIMEOUT_SECONDS = 0.5
RETRY_AFTER_SECONDS = 5.0

logger = logging.getLogger("sanita33.cache")
# Django makes one backend object per thread; the outage is the process's.
_outages: dict[str, Outage] = {}
_outages_lock = threading.Lock()


def _outage_for(location: str) -> Outage:
    with _outages_lock:
        if location not in _outages:
            _outages[location] = Outage(
                f"cache {location.split('@')[-1]}", logger, retry_after=RETRY_AFTER_SECONDS
            )
        return _outages[location]


def _tolerant(fallback):
    """Run the cache call; if Redis is unreachable, return `fallback(*args)` instead."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if self.outage.is_down():
                return fallback(*args, **kwargs)
            try:
                result = method(self, *args, **kwargs)
            except UNREACHABLE as error:
                self.outage.failed(error)
                return fallback(*args, **kwargs)
            self.outage.recovered()
            return result

        return wrapper

    return decorate


def _missing(key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found (the cache is unreachable)")


class TolerantRedisCache(RedisCache):
    def __init__(self, server, params):
        options = {
            "socket_connect_timeout": SOCKET_TIMEOUT_SECONDS,
            "socket_timeout": SOCKET_TIMEOUT_SECONDS,
            **params.get("OPTIONS", {}),
        }
        super().__init__(server, {**params, "OPTIONS": options})
        location = server if isinstance(server, str) else ",".join(server)
        self.outage = _outage_for(location.split(",")[0])

    @_tolerant(lambda key, default=None, version=None: default)
    def get(self, key, default=None, version=None):
        return super().get(key, default, version)

    @_tolerant(lambda *args, **kwargs: False)
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().add(key, value, timeout, version)

    @_tolerant(lambda *args, **kwargs: None)
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set(key, value, timeout, version)

    @_tolerant(lambda *args, **kwargs: False)
    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return super().touch(key, timeout, version)

    @_tolerant(lambda *args, **kwargs: False)
    def delete(self, key, version=None):
        return super().delete(key, version)

    @_tolerant(lambda *args, **kwargs: {})
    def get_many(self, keys, version=None):
        return super().get_many(keys, version)

    @_tolerant(lambda *args, **kwargs: False)
    def has_key(self, key, version=None):
        return super().has_key(key, version)

    @_tolerant(_missing)
    def incr(self, key, delta=1, version=None):
        return super().incr(key, delta, version)

    @_tolerant(lambda data, *args, **kwargs: list(data))
    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set_many(data, timeout, version)

    @_tolerant(lambda *args, **kwargs: None)
    def delete_many(self, keys, version=None):
        return super().delete_many(keys, version)

    @_tolerant(lambda *args, **kwargs: None)
    def clear(self):
        return super().clear()

    def ping(self) -> bool:
        """Whether Redis answers now (for /healthz); ignores the retry interval."""
        try:
            super().has_key("healthz:ping")
        except UNREACHABLE as error:
            self.outage.failed(error)
            return False
        self.outage.recovered()
        return True
