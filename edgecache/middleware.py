"""Cache headers and the origin page cache for anonymous readers' pages.

For a GET or HEAD of a public page by a reader without a session, a 200
response without cookies gets `Cache-Control: public, max-age, s-maxage,
stale-while-revalidate, stale-if-error` and its cache tags (edgecache.tags) in
the `Surrogate-Key` and `Cache-Tag` headers, so an edge cache (Varnish, a CDN,
nginx) keeps it until a purge of one of its tags. With PAGE_CACHE on, the
page is also kept here (edgecache.origin) and answered again without a view.

Everything else (staff with a session, POSTs, search, previews, the admin)
goes through untouched, and uncached.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qsl

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, set_response_etag

from edgecache import origin
from edgecache.tags import SITE, tags_of

# Query parameters that select a different page (lists, sitemaps, the reserved
# body's ESI fragment); any other one means uncached. (Our VCL drops utm_* and
# click ids before they get here.)
PAGE_PARAMS = frozenset({"page", "p", "frammento"})
UNCACHED_PREFIXES = (
    "/anteprima",
    "/cerca",
    "/ckeditor",
    "/healthz",
    "/media",
    "/newsletter",
    "/static",
)
# Headers of one response, never stored with the page.
PER_RESPONSE = frozenset({"x-request-id", "x-cache"})


def page_key(request: HttpRequest) -> str | None:
    """The cache key of an anonymous GET/HEAD of a public page, else None.

    Anyone carrying the session cookie (staff) bypasses every cache. Scheme and
    host are part of the key, so an http request never gets an https page.
    """
    if request.method not in ("GET", "HEAD"):
        return None
    if request.path_info.startswith((f"/{settings.ADMIN_PATH}", *UNCACHED_PREFIXES)):
        return None
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return None
    query = request.META.get("QUERY_STRING", "")
    if any(name not in PAGE_PARAMS for name, _ in parse_qsl(query, keep_blank_values=True)):
        return None
    # Pages for an edge that fills in ESI fragments differ from the others.
    esi = "esi:" if "ESI/1.0" in request.headers.get("Surrogate-Capability", "") else ""
    return f"{esi}{request.scheme}://{request.get_host()}{request.path}?{query}"


def is_cacheable(response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "")
    if any(word in cache_control for word in ("private", "no-cache", "no-store")):
        return False
    return "cookie" not in response.get("Vary", "").lower()


class EdgeCacheMiddleware:
    """First after the request log (and ConditionalGetMiddleware): a hit runs no
    other middleware, and a stored page keeps the headers the others added."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = page_key(request)
        if key is None:
            return self.get_response(request)
        if settings.PAGE_CACHE:
            hit = origin.get(key)
            if hit is not None:
                status, headers, body = hit
                response = HttpResponse(body, status=status, headers=headers)
                response["X-Cache"] = "HIT"
                return response
        started = time.time()
        response = self.get_response(request)
        if not is_cacheable(response):
            return response
        tags = sorted({SITE, *tags_of(request)})
        response[settings.EDGECACHE_TAG_HEADER] = " ".join(tags)
        # Cloudflare reads a comma-separated list.
        response[settings.EDGECACHE_CDN_TAG_HEADER] = ",".join(tags)
        if not response.has_header("Cache-Control"):  # else the view has decided
            patch_cache_control(
                response,
                public=True,
                max_age=settings.PAGE_BROWSER_MAX_AGE,
                s_maxage=settings.PAGE_CACHE_SECONDS,
                stale_while_revalidate=settings.PAGE_STALE_WHILE_REVALIDATE,
                stale_if_error=settings.PAGE_STALE_IF_ERROR,
            )
        if settings.PAGE_CACHE:
            if hasattr(response, "render") and callable(response.render):
                response.render()
            set_response_etag(response)
            origin.put(
                key,
                started=started,
                tags=tags,
                status=response.status_code,
                headers=[(k, v) for k, v in response.items() if k.lower() not in PER_RESPONSE],
                body=response.content,
            )
            response["X-Cache"] = "MISS"
        return response
