"""This process's copy of the page cache's version and recent pages (Redis only).

With Redis, every page-cache hit would ask Redis for the current content
version, and under load that round trip (a sleep and a wake-up of the worker)
costs more CPU than the rest of the hit. So every version bump is also
published on a channel that every web process subscribes to. Before each hit a
process checks, without waiting, whether anything has arrived on its
subscription (one poll(2) of its socket; redis-py reads it only when something
has): if nothing has, the version it last read from Redis is still current,
and pages it has seen at that version are served from its own memory.

When the copy is trusted:
- only while the subscription is confirmed, and only a version read after
  that confirmation (a bump before it would have gone unseen);
- never again after any bump message, subscription error or fork;
- for TRUST_SECONDS at most after it was read, so a lost publish costs at
  most that long a delay, never a page stale for good.
A request that arrives while a bump's message is still on the wire is served
the page as it was an instant earlier, as if it had come a moment sooner.
"""

from __future__ import annotations

import logging
import os
import select
import threading
import time
from collections import OrderedDict

from django.core.cache import cache

from sanita33.cache import UNREACHABLE

CHANNEL = "pagecache:bumps"
TRUST_SECONDS = 1.0
PAGES = 256  # per process; pages are ~20-40 KB
SUBSCRIBE_TIMEOUT = 0.5
RETRY_SECONDS = 5.0

logger = logging.getLogger(__name__)

# Forks of this process so far, counted in the child: cheaper than os.getpid()
# (a system call) on every hit.
forks = 0


def _count_fork() -> None:
    global forks
    forks += 1


os.register_at_fork(after_in_child=_count_fork)


def _client():
    return cache._cache.get_client(write=True)


def channel() -> str:
    return cache.make_key(CHANNEL)


def publish(version) -> None:
    """Tell every process's mirror that the version is now `version`."""
    try:
        _client().publish(channel(), str(version))
    except Exception as error:  # a lost publish only delays freshness by TRUST_SECONDS
        logger.warning("page cache: bump not published (%s)", error)


class Mirror:
    def __init__(self):
        self.lock = threading.Lock()
        self.retry_at = 0.0
        self.generation = 0
        self._forget(forks=forks)

    def _forget(self, forks: int | None = None) -> None:
        if forks is not None:
            self.forks, self.pubsub = forks, None
            self.socket, self.poll = None, None
        self.version: str | None = None
        self.until: float | None = None
        self.read_at = 0.0
        self.pages: OrderedDict[str, tuple] = OrderedDict()

    def _drop_subscription(self) -> None:
        pubsub, self.pubsub = self.pubsub, None
        self.socket, self.poll = None, None
        self._forget()
        self.retry_at = time.monotonic() + RETRY_SECONDS
        if pubsub is not None:
            try:
                pubsub.close()
            except Exception:  # already broken
                pass

    def _listening(self) -> bool:
        """Subscribed, with every bump message so far taken into account."""
        if self.forks != forks:
            self._forget(forks=forks)  # forked: the parent's socket is not ours
        if self.pubsub is None:
            outage = getattr(cache, "outage", None)  # sanita33.cache.TolerantRedisCache
            if time.monotonic() < self.retry_at or (outage and outage.is_down()):
                return False
            try:
                self.pubsub = _client().pubsub()
                self.pubsub.subscribe(channel())
                confirmation = self.pubsub.get_message(timeout=SUBSCRIBE_TIMEOUT)
                if not confirmation or confirmation["type"] != "subscribe":
                    raise ConnectionError("no subscription confirmation")
            except Exception as error:
                if outage and isinstance(error, UNREACHABLE):
                    outage.failed(error)  # one log line per outage, not one per process retry
                else:
                    logger.warning("page cache: no bump subscription (%s)", error)
                self._drop_subscription()
                return False
            self.generation += 1
            return True
        try:
            if self.socket is not None and self.socket is self.pubsub.connection._sock:
                if not self.poll(0):
                    return True  # nothing arrived, no error, not closed
            while (message := self.pubsub.get_message(timeout=0)) is not None:
                if message["type"] == "message":
                    self._forget()
            self._watch()
        except Exception as error:
            logger.warning("page cache: bump subscription lost (%s)", error)
            self._drop_subscription()
            return False
        return True

    def _watch(self) -> None:
        """Poll the subscription's socket from now on, if redis-py holds no unread data.

        Data redis-py has already read from the socket would not make it
        readable again. Without a socket (redis-py internals changed) every
        hit goes through get_message().
        """
        connection = self.pubsub.connection
        sock = getattr(connection, "_sock", None)
        if sock is None or sock is self.socket or connection.can_read(timeout=0):
            return
        poller = select.poll()
        poller.register(sock, select.POLLIN)
        self.socket, self.poll = sock, poller.poll

    def _current(self) -> tuple[int, str | None, float | None]:
        """current(), with the lock held."""
        if not self._listening():
            return -1, None, None
        if self.version is not None and time.monotonic() - self.read_at > TRUST_SECONDS:
            self._forget()
        return self.generation, self.version, self.until

    def current(self) -> tuple[int, str | None, float | None]:
        """(generation, version, until); version None when it must be read from Redis."""
        with self.lock:
            return self._current()

    def find(self, key: str) -> tuple[int, tuple | None]:
        """(generation as in current(), the page if the mirror may serve it): one lock."""
        with self.lock:
            generation, version, until = self._current()
            if version is None or (until is not None and time.time() >= until):
                return generation, None  # unknown, or a scheduled change is due: ask Redis
            entry = self.pages.get(key)
            if entry is None or entry[0] != version:
                return generation, None
            self.pages.move_to_end(key)
            return generation, entry

    def remember(self, generation: int, version: str, until, key=None, entry=None) -> None:
        """Record what a read made after current() returned `generation` found."""
        with self.lock:
            if generation != self.generation or self.pubsub is None:
                return  # the subscription changed since: the read may predate it
            if version != self.version:
                self.pages.clear()
            self.version, self.until, self.read_at = version, until, time.monotonic()
            if key is not None and entry is not None and entry[0] == version:
                self.pages[key] = entry
                self.pages.move_to_end(key)
                while len(self.pages) > PAGES:
                    self.pages.popitem(last=False)


mirror = Mirror()
