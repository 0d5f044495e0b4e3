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
from pathlib import Path
from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.signals import setting_changed
from django.core.validators import MaxLengthValidator
from django.dispatch import receiver

STAFF_PREFIXES = ("/ckeditor/",)
# Statuses answered with templates/error_base.html pages (404 is a normal page).
ERROR_PAGE_STATUSES = frozenset({400, 403, 500, 503})


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


class AdminLoginForm(AdminAuthenticationForm):
    """The admin login, refusing an over-long username before anyone authenticates.

    AuthenticationForm sets the username field's max_length after the field is
    built, so Django never validates it: a 100,000-character name reached
    authenticate() and django-axes' failure record (a 255-character column).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


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
        staff = parts.config is None and is_staff_path(request.path_info)
        if staff:
            parts.config = settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"]
        update = dict(parts.update or {})
        if origins := media_origins():
            update["img-src"] = [*update.get("img-src", ()), *origins]
        # Error pages' own stylesheet. Not on staff paths: there 'unsafe-inline' already
        # allows it, and a hash next to it would make browsers ignore 'unsafe-inline'.
        if response.status_code in ERROR_PAGE_STATUSES and not staff:
            update["style-src"] = [*update.get("style-src", ()), *error_page_style_sources()]
        parts.update = update or parts.update
        return parts


STYLE_ELEMENT = re.compile(r"<style>(.*?)</style>", re.DOTALL)


@cache
def error_page_style_sources() -> tuple[str, ...]:
    """The hash source of the error pages' one inline stylesheet (error_base.html).

    Error pages (400, 403 CSRF, 500, 503) carry their styles
    inline because they must render when static files or the database are what
    failed. Hashed from the template itself, not from the response, so text an
    attacker gets reflected into an error page can never be allowed.
    """
    template = Path(settings.BASE_DIR) / "templates" / "error_base.html"
    return tuple(
        f"'sha256-{base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()}'"
        for css in STYLE_ELEMENT.findall(template.read_text())
    )
