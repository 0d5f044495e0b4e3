"""One structured log line per request, and a request id on every log record.

The id comes from the proxy's X-Request-ID when it looks sane, else a fresh
one; it is echoed in the response so a reader's error report can be matched
with the server's log lines, tracebacks included. Page-cache hits served
before Django (sanita33/pagecache.py) log the same line through `log_request`.

With the JSON log format as settings.py configures it, the request line is
handed straight to the console handler, without a LogRecord: the same bytes
for a fraction of the CPU, which matters on page-cache hits; the handler
writes such lines in batches, within LOG_FLUSH_MS (sanita33/jsonlog.py). Any other set-up
(a handler added to the request logger or the root, tests' caplog) gets the
line through logging as usual.
"""

from __future__ import annotations

import contextvars
import itertools
import logging
import os
import re
import time
from json.encoder import encode_basestring_ascii as _json_str

from sanita33.jsonlog import ConsoleHandler, JsonFormatter

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
logger = logging.getLogger("sanita33.request")
VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class _FreshIds:
    """32 hex characters: 20 random per process, then a counter (no system call per id)."""

    def __init__(self):
        self.reset()
        os.register_at_fork(after_in_child=self.reset)

    def reset(self) -> None:
        self.prefix, self.counter = os.urandom(10).hex(), itertools.count()

    def __call__(self) -> str:
        return f"{self.prefix}{next(self.counter) & 0xFFFFFFFFFFFF:012x}"


_fresh_id = _FreshIds()


def request_id_for(incoming: str) -> str:
    """The proxy's id when it looks sane, else a fresh one."""
    return incoming if incoming and VALID_ID.match(incoming) else _fresh_id()


def _direct_handler() -> logging.StreamHandler | None:
    """The handler the request line would reach, if it is the only one and writes JSON."""
    if logger.filters:
        return None
    handler = None
    node = logger
    while node is not None:
        for candidate in node.handlers:
            if handler is not None:
                return None
            handler = candidate
        node = node.parent if node.propagate else None
    if (
        type(handler) is not ConsoleHandler
        or type(handler.formatter) is not JsonFormatter
        or handler.level > logging.INFO
    ):
        return None
    for candidate in handler.filters:
        if type(candidate) is not RequestIdFilter:
            return None
    return handler


def _json_line(
    formatter: JsonFormatter, method: str, path: str, status: int, duration_ms: float, cache: str
) -> str:
    """What `formatter` makes of the request line's LogRecord, made without one."""
    stamp = formatter.timestamp(time.time(), formatter.datefmt)
    # JSON escapes character by character, so the message is made of its parts' escapes.
    method, path, status = _json_str(method), _json_str(path), int(status)
    return (
        f'{{"time": {_json_str(stamp)}, "level": "INFO", "logger": {_json_str(logger.name)}, '
        f'"request_id": {_json_str(request_id_var.get())}, '
        f'"message": "{method[1:-1]} {path[1:-1]} {status}", "method": {method}, '
        f'"path": {path}, "status": {status}, "duration_ms": {duration_ms!r}, '
        f'"cache": {_json_str(cache)}}}'
    )


def log_request(method: str, path: str, status: int, started: float, cache: str) -> None:
    """The request's line; `started` is its time.perf_counter() at arrival."""
    if not logger.isEnabledFor(logging.INFO):
        return
    duration_ms = round((time.perf_counter() - started) * 1000, 1)
    handler = _direct_handler()
    if handler is not None:
        line = _json_line(handler.formatter, method, path, status, duration_ms, cache)
        try:
            handler.write_line(line)
            return
        except Exception:
            pass  # the line goes through logging, which reports the failure
    # What logger.info() does, without its walk up the stack to find the caller:
    # it is always this function, and every request pays for the walk.
    record = logger.makeRecord(
        logger.name,
        logging.INFO,
        __file__,
        0,
        "%s %s %s",
        (method, path, status),
        None,
        "log_request",
        {
            "method": method,
            "path": path,
            "status": status,
            "duration_ms": duration_ms,
            "cache": cache,
        },
    )
    logger.handle(record)


_hit_middles: dict[tuple[str, str, int], str] = {}


def log_hit(method: str, path: str, status: int, started: float, request_id: str) -> None:
    """The line of a page-cache hit: log_request's line, with as little work as it can.

    Hits are the cheapest requests, so the line is a large share of their CPU:
    the part that depends on the page (method, path, status, escaped) is made
    once per page and process, and the request id needs no escaping (it is
    either a sane proxy id or hex, see request_id_for).
    """
    handler = _direct_handler()
    if handler is None or not logger.isEnabledFor(logging.INFO):
        _log_hit_through_logging(method, path, status, started, request_id)
        return
    duration_ms = round((time.perf_counter() - started) * 1000, 1)
    middle = _hit_middles.get((method, path, status))
    if middle is None:
        if len(_hit_middles) >= 1024:
            _hit_middles.clear()
        escaped_method, escaped_path = _json_str(method), _json_str(path)
        middle = _hit_middles[method, path, status] = (
            f'"message": "{escaped_method[1:-1]} {escaped_path[1:-1]} {int(status)}", '
            f'"method": {escaped_method}, "path": {escaped_path}, "status": {int(status)}'
        )
    stamp = handler.formatter.timestamp(time.time(), handler.formatter.datefmt)
    line = (
        f'{{"time": {_json_str(stamp)}, "level": "INFO", "logger": "{logger.name}", '
        f'"request_id": "{request_id}", {middle}, "duration_ms": {duration_ms!r}, '
        '"cache": "HIT"}'
    )
    try:
        handler.write_line(line)
    except Exception:  # logging reports the failure
        _log_hit_through_logging(method, path, status, started, request_id)


def _log_hit_through_logging(method, path, status, started, request_id) -> None:
    token = request_id_var.set(request_id)
    try:
        log_request(method, path, status, started, "HIT")
    finally:
        request_id_var.reset(token)


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
