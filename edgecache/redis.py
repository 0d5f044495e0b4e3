"""Django's Redis cache backend, where an unreachable Redis is an empty cache.

Django's RedisCache raises on connection errors, which turns a cache outage
into a site outage. Here, when Redis cannot be reached or does not answer in
time (socket timeouts of half a second, not redis-py's 5 s), reads miss, writes
and deletes are dropped, and `incr` says the key is missing (callers handle
that): pages are built from the database, as on a cold cache. Any other Redis
error still raises. It wraps the backend's public methods (`get`, `set`…) only.
After a failure the process leaves Redis alone for RETRY_AFTER_SECONDS, and the
outage is logged when it starts, once a minute and when it ends (outage.py).
(django-redis's IGNORE_EXCEPTIONS would make `incr` return None, which the
signup budget cannot tell from a count, and log every ignored call.)
"""

from __future__ import annotations

import functools
import logging
import threading

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from sanita33.outage import Outage

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
SOCKET_TIMEOUT_SECONDS = 0.5
RETRY_AFTER_SECONDS = 5.0

logger = logging.getLogger("edgecache.redis")
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

    def ping(self) -> bool:
        """Whether Redis answers now (for /healthz); ignores the retry interval."""
        try:
            super().has_key("healthz:ping")
        except UNREACHABLE as error:
            self.outage.failed(error)
            return False
        self.outage.recovered()
        return True


def _constant(value):
    return lambda *args, **kwargs: value() if callable(value) else value


# What each public method returns while Redis is unreachable.
FALLBACKS = {
    "get": lambda key, default=None, version=None: default,
    "add": _constant(False),
    "set": _constant(None),
    "touch": _constant(False),
    "delete": _constant(False),
    "get_many": _constant(dict),
    "has_key": _constant(False),
    "incr": _missing,
    "set_many": lambda data, *args, **kwargs: list(data),
    "delete_many": _constant(None),
    "clear": _constant(None),
}
for _name, _fallback in FALLBACKS.items():
    setattr(TolerantRedisCache, _name, _tolerant(_fallback)(getattr(RedisCache, _name)))
