"""One structured log line per request, and a request id on every log record.

The id comes from the proxy's X-Request-ID when it looks sane, else a fresh
one; it is echoed in the response so a reader's error report can be matched
with the server's log lines, tracebacks included. The middleware writes the
request's line once the response is ready, through logging, at once (JSON
with LOG_FORMAT=json, by python-json-logger: see LOGGING in settings.py).
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
logger = logging.getLogger("sanita33.request")
VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


def request_id_for(incoming: str) -> str:
    """The proxy's id when it looks sane, else a fresh one."""
    return incoming if incoming and VALID_ID.match(incoming) else uuid.uuid4().hex


def log_request(method: str, path: str, status: int, started: float, cache: str) -> None:
    """The request's line; `started` is its time.perf_counter() at arrival."""
    duration_ms = round((time.perf_counter() - started) * 1000, 1)
    extra = {"method": method, "path": path, "status": status, "duration_ms": duration_ms}
    logger.info("%s %s %s", method, path, status, extra={**extra, "cache": cache})


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request_id = request_id_for(request.META.get("HTTP_X_REQUEST_ID", ""))
        token = request_id_var.set(request_id)
        request.request_id = request_id
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            log_request(
                request.method,
                request.path,
                response.status_code,
                started,
                response.get("X-Cache", ""),
            )
            return response
        finally:
            request_id_var.reset(token)
