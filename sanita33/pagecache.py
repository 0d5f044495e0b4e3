"""Full-page cache for anonymous readers, with a versioned key namespace.

Every key carries the current *content version*. Saving or deleting anything
readers can see bumps the version (after the transaction commits), so every
page is fresh at once, in every process sharing the store. Scheduled
publications change what readers see without any write: the version state
also records the next scheduled publish/unpublish time and is bumped when that
moment passes.

Where the version lives: in the cache itself when it is shared (Redis); with
the per-process local-memory cache, in the modification time of a file under
VAR_DIR, so several processes on one machine agree without a network hop.

A page is stored under the version read when its request started; a bump that
lands while it renders leaves that entry unreachable instead of stale.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.cache import patch_cache_control

STATE_KEY = "pagecache:state"
ALLOWED_QUERY_PARAMS = frozenset({"page"})
UNCACHED_PREFIXES = (
    "/anteprima",
    "/cerca",
    "/ckeditor",
    "/healthz",
    "/media",
    "/newsletter",
    "/static",
)


def _uses_local_memory() -> bool:
    return settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")


def _version_file() -> Path:
    return Path(settings.VAR_DIR) / "content-version"


def _next_transition() -> float | None:
    """Epoch seconds of the next scheduled publish or unpublish, if any."""
    from articles.models import Article

    now = timezone.now()
    upcoming = Article.objects.filter(status=Article.Status.PUBLISHED).aggregate(
        publish=Min("publish_at", filter=Q(publish_at__gt=now)),
        unpublish=Min("unpublish_at", filter=Q(unpublish_at__gt=now)),
    )
    moments = [m.timestamp() for m in upcoming.values() if m is not None]
    return min(moments) if moments else None


def _stored_version() -> str:
    if _uses_local_memory():
        try:
            return str(_version_file().stat().st_mtime_ns)
        except FileNotFoundError:
            return "0"
    version = cache.get("pagecache:version")
    if version is None:
        cache.add("pagecache:version", 1, None)
        version = cache.get("pagecache:version", 1)
    return str(version)


def _bump_stored_version() -> None:
    if _uses_local_memory():
        path = _version_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
        now_ns = time.time_ns()
        os.utime(path, ns=(now_ns, now_ns))
        cache.delete(STATE_KEY)
        return
    try:
        cache.incr("pagecache:version")
    except ValueError:
        cache.add("pagecache:version", 2, None)
    cache.delete(STATE_KEY)


def content_version() -> str:
    """The namespace of page-cache keys; changes when readers' content may have."""
    stored = _stored_version()
    state = cache.get(STATE_KEY)
    if state is None or state["stored"] != stored:
        state = {"stored": stored, "until": _next_transition()}
        cache.set(STATE_KEY, state, None)
    elif state["until"] is not None and time.time() >= state["until"]:
        # A scheduled article just went live (or was withdrawn).
        _bump_stored_version()
        return content_version()
    return stored


def bump_content_version(**kwargs) -> None:
    """Signal receiver: make every cached page stale once the write commits."""
    transaction.on_commit(_bump_stored_version)


def is_cacheable_request(request) -> bool:
    """Anonymous GET/HEAD of a public page, with no query parameter but `page`."""
    if request.method not in ("GET", "HEAD"):
        return False
    if request.path.startswith((f"/{settings.ADMIN_PATH}", *UNCACHED_PREFIXES)):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False  # staff and anyone with a session always get a fresh page
    return all(name in ALLOWED_QUERY_PARAMS for name in request.GET)


def page_key(request, version: str) -> str:
    return f"page:{version}:{request.get_host()}:{request.path}?{request.GET.urlencode()}"


def is_cacheable_response(response) -> bool:
    if response.status_code != 200 or response.streaming:
        return False
    if response.cookies:
        return False
    cache_control = response.get("Cache-Control", "")
    if any(word in cache_control for word in ("private", "no-cache", "no-store")):
        return False
    return "cookie" not in response.get("Vary", "").lower()


class PageCacheMiddleware:
    """Serve anonymous GETs of public pages from the cache; set CDN-friendly headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_cacheable_request(request):
            return self.get_response(request)
        try:
            key = page_key(request, content_version())
        except DatabaseError:
            # No version without the database: serve uncached, and let the view
            # (or /healthz) say what is wrong.
            return self.get_response(request)
        cached = cache.get(key)
        if cached is not None:
            response = cached
            response["X-Cache"] = "HIT"
            return response
        response = self.get_response(request)
        if is_cacheable_response(response):
            patch_cache_control(
                response,
                public=True,
                max_age=settings.PAGE_BROWSER_MAX_AGE,
                s_maxage=settings.PAGE_CACHE_SECONDS,
                stale_while_revalidate=settings.PAGE_STALE_WHILE_REVALIDATE,
            )
            if hasattr(response, "render") and callable(response.render):
                response.render()
            cache.set(key, response, settings.PAGE_CACHE_SECONDS)
            response["X-Cache"] = "MISS"
        return response
