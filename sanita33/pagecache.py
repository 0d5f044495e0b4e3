"""Full-page cache for anonymous readers, with a content version.

Saving or deleting anything readers can see bumps the *content version*
(after the transaction commits), so every page is fresh at once, in every
process sharing the store. Scheduled publications change what readers see
without any write: the version state also records the next scheduled
publish/unpublish time, and the version is bumped when that moment passes.

Where the version lives: in the cache itself when it is shared (Redis); with
the per-process local-memory cache, in the modification time of a file under
VAR_DIR, so several processes on one machine agree without a network hop.

A page is stored with the version read when its request started (a bump that
lands while it renders leaves the entry outdated, never stale) and with every
header the middleware below it added (security headers, CSP, ETag). A hit is
one cache round trip: the version, its state and the page come back together
(`lookup`), and a page whose version is not the current one is a miss.

Whether a request may be served from the cache is decided from the WSGI
environ alone (`request_key`), so `PageCacheApplication` answers hits in front
of Django, with no middleware run, and `PageCacheMiddleware` (first in
MIDDLEWARE) answers the rest and fills the cache.
"""

from __future__ import annotations

import functools
import os
import time
from http import HTTPStatus
from pathlib import Path
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.cache import cache
from django.core.handlers.wsgi import get_path_info
from django.core.signals import setting_changed
from django.db import DatabaseError, transaction
from django.db.models import Min, Q
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, set_response_etag

from sanita33 import pagemirror, requestlog

VERSION_KEY = "pagecache:version"
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
# Revalidations (rare: a CDN's, once per s-maxage) go through Django, whose
# ConditionalGetMiddleware answers 304 from the cached page's ETag.
# Headers of one response, never stored with the page.
PER_REQUEST = frozenset({"x-request-id", "x-cache"})
CONDITIONAL_HEADERS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")


# Every request asks the settings below, and each read through django.conf.settings
# costs more than the rest of its check: they are read once, again when a test
# overrides them.
@functools.cache
def _uses_local_memory() -> bool:
    return settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")


@functools.cache
def _key_settings() -> tuple[tuple[str, ...], str, tuple[str, str] | None]:
    """Uncached path prefixes, the session cookie's name, the proxy's HTTPS header."""
    return (
        (f"/{settings.ADMIN_PATH}", *UNCACHED_PREFIXES),
        settings.SESSION_COOKIE_NAME,
        settings.SECURE_PROXY_SSL_HEADER,
    )


@receiver(setting_changed)
def _forget_settings(*, setting, **kwargs):
    if setting == "CACHES":
        _uses_local_memory.cache_clear()
    elif setting in {"ADMIN_PATH", "SESSION_COOKIE_NAME", "SECURE_PROXY_SSL_HEADER"}:
        _key_settings.cache_clear()


def _version_file() -> Path:
    return Path(settings.VAR_DIR) / "content-version"


def _file_version() -> str:
    try:
        return str(_version_file().stat().st_mtime_ns)
    except FileNotFoundError:
        return "0"


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
        version = cache.incr(VERSION_KEY)
    except ValueError:
        version = 2 if cache.add(VERSION_KEY, 2, None) else cache.get(VERSION_KEY)
    cache.delete(STATE_KEY)
    pagemirror.publish(version)


def _read(*keys: str) -> tuple[str | None, dict]:
    """The stored version and the given keys' values, in one cache round trip."""
    if _uses_local_memory():
        return _file_version(), cache.get_many(keys)
    found = cache.get_many([VERSION_KEY, *keys])
    version = found.pop(VERSION_KEY, None)
    return (None if version is None else str(version)), found


def content_version() -> str:
    """The current content version; may query the database (on a state miss)."""
    stored, found = _read(STATE_KEY)
    if stored is None:
        cache.add(VERSION_KEY, 1, None)
        stored = str(cache.get(VERSION_KEY, 1))
    state = found.get(STATE_KEY)
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


def _only_allowed_params(query: str) -> bool:
    return all(name in ALLOWED_QUERY_PARAMS for name, _ in parse_qsl(query, keep_blank_values=True))


def request_key(environ: dict) -> str | None:
    """The cache key of an anonymous GET/HEAD of a public page, else None.

    Only the WSGI environ is read, the same way in front of Django and inside
    it. Anyone carrying the session cookie (staff) bypasses the cache; the test
    is a plain substring search of the Cookie header, so it can only err
    towards bypassing. Scheme and host are part of the key, so an http request
    never gets the page of an https one (SECURE_SSL_REDIRECT still redirects
    it) and a page is only ever stored for a host Django accepted.
    """
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return None
    uncached_prefixes, session_cookie, proxy_ssl_header = _key_settings()
    path = environ.get("PATH_INFO", "")
    if path.startswith(uncached_prefixes):
        return None
    if session_cookie in environ.get("HTTP_COOKIE", ""):
        return None  # staff and anyone with a session always get a fresh page
    query = environ.get("QUERY_STRING", "")
    if query and not _only_allowed_params(query):
        return None
    scheme = environ.get("wsgi.url_scheme", "")
    if proxy_ssl_header:
        scheme += "+" + environ.get(proxy_ssl_header[0], "")
    host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
    return f"page:{scheme}://{host}{environ.get('SCRIPT_NAME', '')}{path}?{query}"


def lookup(key: str) -> tuple[int, list[tuple[str, str]], bytes] | None:
    """Status, headers and body of the cached page, if it is current.

    One cache round trip, or none with Redis when this process's mirror of the
    version is current and holds the page (sanita33/pagemirror.py).
    """
    shared = not _uses_local_memory()
    if shared:
        generation, entry = pagemirror.mirror.find(key)
        if entry is not None:
            return entry[1:]
    stored, found = _read(STATE_KEY, key)
    state, entry = found.get(STATE_KEY), found.get(key)
    if stored is None or state is None or state["stored"] != stored:
        return None
    if shared:
        pagemirror.mirror.remember(generation, stored, state["until"], key, entry)
    if entry is None or entry[0] != stored:
        return None
    if state["until"] is not None and time.time() >= state["until"]:
        return None  # a scheduled change is due: the middleware bumps the version
    return entry[1:]


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
    """Serve anonymous GETs of public pages from the cache; set CDN-friendly headers.

    First in MIDDLEWARE (after the request log), so a hit runs no other
    middleware, and a stored page carries the headers they all added.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request_key(request.META)
        if key is None:
            return self.get_response(request)
        hit = lookup(key)
        if hit is not None:
            status, headers, body = hit
            response = HttpResponse(body, status=status, headers=headers)
            response["X-Cache"] = "HIT"
            return response
        try:
            version = content_version()
        except DatabaseError:
            # No version without the database: serve uncached, and let the view
            # (or /healthz) say what is wrong.
            return self.get_response(request)
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
            set_response_etag(response)
            headers = [(k, v) for k, v in response.items() if k.lower() not in PER_REQUEST]
            entry = (version, response.status_code, headers, response.content)
            cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
            response["X-Cache"] = "MISS"
        return response


@functools.cache
def _status_line(status: int) -> str:
    return f"{status} {HTTPStatus(status).phrase}"


class PageCacheApplication:
    """WSGI wrapper answering page-cache hits before Django is involved.

    Everything else, conditional requests included, goes to Django unchanged.
    A failure of the cache here (Redis unreachable) is a miss: Django's path
    then serves the page and deals with the cache on its own terms.
    """

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        key = request_key(environ)
        if key is None or not environ.keys().isdisjoint(CONDITIONAL_HEADERS):
            return self.application(environ, start_response)
        try:
            hit = lookup(key)
        except Exception:  # any cache failure: let Django serve it
            hit = None
        if hit is None:
            return self.application(environ, start_response)
        status, headers, body = hit
        request_id = requestlog.request_id_for(environ.get("HTTP_X_REQUEST_ID", ""))
        start_response(
            _status_line(status), [*headers, ("X-Cache", "HIT"), ("X-Request-ID", request_id)]
        )
        path = environ["PATH_INFO"]
        if not path.isascii():  # else Django's decoding gives the same string
            path = get_path_info(environ)
        requestlog.log_hit(environ["REQUEST_METHOD"], path, status, started, request_id)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]
