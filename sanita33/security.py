"""Security headers chosen per path, and the client address behind proxies.

Readers' pages get settings.CONTENT_SECURITY_POLICY (no script at all); the
admin and CKEditor's endpoints get settings.CONTENT_SECURITY_POLICY_ADMIN. Both
are django-csp policies; this module only picks one and adds the media storage's
origin (S3 or a CDN) to img-src when images are not served by this site.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import re
from functools import cache
from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.views import defaults

STAFF_PREFIXES = ("/ckeditor/",)


def client_ip(request) -> str:
    """The reader's address: REMOTE_ADDR, or X-Forwarded-For behind trusted proxies.

    Each of the TRUSTED_PROXY_COUNT proxies appends the address it received the
    request from, so the entry that many places from the right was written by
    our outermost proxy; anything to its left came from the client and is not
    trusted. Used by the newsletter's per-address limit and by django-axes.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if not count:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(hops) < count:
        return remote  # reached us without passing through every proxy
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote


def is_staff_path(path: str) -> bool:
    return path.startswith((f"/{settings.ADMIN_PATH}", *STAFF_PREFIXES))


@cache
def media_origins() -> tuple[str, ...]:
    """The origin of uploaded images when another host serves them (S3, a CDN)."""
    from django.core.files.storage import default_storage

    url = urlsplit(default_storage.url("csp-probe.jpg"))
    return (f"{url.scheme}://{url.netloc}",) if url.netloc else ()


@receiver(setting_changed)
def _forget_media_origins(*, setting, **kwargs):
    if setting in {"STORAGES", "MEDIA_URL"}:
        media_origins.cache_clear()


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin policy on staff paths."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        if parts.config is None and is_staff_path(request.path_info):
            parts.config = settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"]
        if origins := media_origins():
            update = dict(parts.update or {})
            update["img-src"] = [*update.get("img-src", ()), *origins]
            parts.update = update
        return parts


STYLE_ELEMENT = re.compile(rb"<style>(.*?)</style>", re.DOTALL)


def server_error(request):
    """Django's 500 page, whose one inline stylesheet the policy allows by its hash.

    The page carries its styles inline because it must render when static
    files or the database are what failed.
    """
    response = defaults.server_error(request)
    hashes = [
        f"'sha256-{base64.b64encode(hashlib.sha256(css).digest()).decode()}'"
        for css in STYLE_ELEMENT.findall(response.content)
    ]
    response._csp_update = {"style-src": hashes}
    return response
