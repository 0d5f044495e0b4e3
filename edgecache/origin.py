"""The origin page cache: whole pages in Django's cache, dropped by tag.

Used where no edge cache stands in front of the site (PAGE_CACHE=1, the
default). A page is stored with its tags and the time its request started.
Purging a tag stores the time of the purge under the tag's key; a page is
current only if none of its tags was purged after its request started, so a
purge that lands while a page renders leaves that page outdated, never stale.
A hit is two cache reads: the page, then its tags' purge times.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache

PAGE_PREFIX = "edgecache:page:"
TAG_PREFIX = "edgecache:purged:"


def _page_key(key: str) -> str:
    # Hashed: an address may be longer than a cache key may be (memcached: 250
    # bytes) or hold characters a key may not.
    return PAGE_PREFIX + hashlib.sha256(key.encode()).hexdigest()


def _tag_key(tag: str) -> str:
    return TAG_PREFIX + tag


def get(key: str) -> tuple[int, list[tuple[str, str]], bytes] | None:
    """Status, headers and body of the page stored under `key`, if current."""
    entry = cache.get(_page_key(key))
    if entry is None:
        return None
    started, tags, status, headers, body = entry
    purged = cache.get_many([_tag_key(t) for t in tags])
    if any(when >= started for when in purged.values()):
        return None
    return status, headers, body


def put(key: str, *, started: float, tags: Iterable[str], status, headers, body) -> None:
    entry = (started, sorted(tags), status, headers, body)
    cache.set(_page_key(key), entry, settings.PAGE_CACHE_SECONDS)


def purge(tags: Iterable[str]) -> None:
    """Make every stored page carrying one of `tags` a miss."""
    now = time.time()
    # A purge time only matters while a page stored before it may still be kept.
    cache.set_many({_tag_key(t): now for t in tags}, settings.PAGE_CACHE_SECONDS + 1)
