"""gunicorn workers whose answer to an over-long request line is an Italian page.

gunicorn rejects a request line longer than `limit_request_line` (4094 bytes)
before Django sees it, with an English «URI Too Long» page. Those requests
never reach the application, so the page is written here: the same 414 status,
the site's error template (templates/414.html, no database needed) and the
error pages' Content-Security-Policy. Every other error keeps gunicorn's own
handling.
"""

from __future__ import annotations

import functools

from gunicorn import util
from gunicorn.http.errors import LimitRequestLine
from gunicorn.workers.gthread import ThreadWorker as GunicornThreadWorker
from gunicorn.workers.sync import SyncWorker as GunicornSyncWorker


@functools.cache
def too_long_response() -> bytes:
    """The whole HTTP response, rendered once per process."""
    from django.template.loader import render_to_string

    from sanita33.security import error_page_style_sources

    body = render_to_string("414.html").encode()
    policy = (
        "default-src 'none'; style-src " + " ".join(error_page_style_sources()) + "; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
    head = (
        "HTTP/1.1 414 URI Too Long\r\n"
        "Connection: close\r\n"
        "Content-Type: text/html; charset=utf-8\r\n"
        "Content-Language: it\r\n"
        f"Content-Security-Policy: {policy}\r\n"
        "X-Content-Type-Options: nosniff\r\n"
        "Cache-Control: no-store\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


class ItalianErrorsMixin:
    def handle_error(self, req, client, addr, exc):
        if not isinstance(exc, LimitRequestLine):
            return super().handle_error(req, client, addr, exc)
        ip = (addr or ("",))[0]
        self.log.warning("Invalid request from ip=%s: %s", ip, exc)
        try:
            util.write_nonblock(client, too_long_response())
        except Exception:  # the client may be gone; nothing else to do
            self.log.debug("Failed to send the 414 page.")
        return None


class SyncWorker(ItalianErrorsMixin, GunicornSyncWorker):
    pass


class ThreadWorker(ItalianErrorsMixin, GunicornThreadWorker):
    pass
