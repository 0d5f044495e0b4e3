import datetime
import json
import logging
import re
import sys
import time

import pytest
from django.http import HttpResponse
from django.urls import path

from sanita33.jsonlog import JsonFormatter
from sanita33.requestlog import (
    RequestIdFilter,
    _direct_handler,
    log_request,
    logger,
    request_id_var,
)
from tests.conftest import json_request_log


def boom(request):
    raise RuntimeError("kaputt")


def ok(request):
    logging.getLogger("sanita33.test").warning("inside the view")
    return HttpResponse("ok")


urlpatterns = [path("boom/", boom), path("ok/", ok)]


@pytest.fixture
def log_records(settings, caplog):
    settings.ROOT_URLCONF = __name__
    caplog.handler.addFilter(RequestIdFilter())
    caplog.set_level(logging.INFO)
    return caplog


def test_every_request_gets_one_line_with_status_duration_and_id(client, log_records):
    response = client.get("/ok/")
    request_id = response["X-Request-ID"]
    [line] = [r for r in log_records.records if r.name == "sanita33.request"]
    assert (line.method, line.path, line.status) == ("GET", "/ok/", 200)
    assert line.duration_ms >= 0
    assert line.request_id == request_id
    [inner] = [r for r in log_records.records if r.name == "sanita33.test"]
    assert inner.request_id == request_id


def test_a_sane_incoming_request_id_is_kept_and_a_hostile_one_replaced(client, log_records):
    assert client.get("/ok/", headers={"x-request-id": "abc123-def456"})["X-Request-ID"] == (
        "abc123-def456"
    )
    replaced = client.get("/ok/", headers={"x-request-id": "bad id\nInjected: 1"})
    assert replaced["X-Request-ID"] != "bad id\nInjected: 1"
    assert len(replaced["X-Request-ID"]) == 32


def test_errors_are_logged_with_the_request_id(client, log_records):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    [error] = [r for r in log_records.records if r.name == "django.request"]
    assert error.request_id == response["X-Request-ID"]
    assert error.exc_info[1].args == ("kaputt",)


REQUEST_LINE_FIELDS = [
    "time",
    "level",
    "logger",
    "request_id",
    "message",
    "method",
    "path",
    "status",
    "duration_ms",
    "cache",
]


def test_with_json_logs_every_request_writes_one_json_line_with_every_field(client, settings):
    settings.ROOT_URLCONF = __name__
    with json_request_log() as lines:
        response = client.get("/ok/")
    [line] = lines()
    assert list(line) == REQUEST_LINE_FIELDS
    assert line["request_id"] == response["X-Request-ID"]
    assert (line["level"], line["logger"], line["message"]) == (
        "INFO",
        "sanita33.request",
        "GET /ok/ 200",
    )
    assert (line["method"], line["path"], line["status"]) == ("GET", "/ok/", 200)
    assert line["cache"] == "MISS"  # a public page, stored by the page cache
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}", line["time"])


def test_the_direct_json_line_is_the_line_logging_would_write():
    token = request_id_var.set("abcdef0123456789")
    try:
        with json_request_log() as lines:
            assert _direct_handler() is not None
            log_request("GET", '/a\n"b"/città/', 404, time.perf_counter(), "MISS")
            # Any filter on the request logger sends the line through logging.
            logger.addFilter(logging.Filter())
            try:
                assert _direct_handler() is None
                log_request("GET", '/a\n"b"/città/', 404, time.perf_counter(), "MISS")
            finally:
                logger.filters.clear()
    finally:
        request_id_var.reset(token)
    direct, through_logging = lines()
    for line in (direct, through_logging):
        del line["time"], line["duration_ms"]
    assert direct == through_logging
    assert direct["path"] == '/a\n"b"/città/'
    assert direct["request_id"] == "abcdef0123456789"


def test_json_lines_carry_extra_fields_and_tracebacks():
    formatter = JsonFormatter()
    try:
        raise RuntimeError("kaputt")
    except RuntimeError:
        record = logging.getLogger("sanita33.test").makeRecord(
            "sanita33.test",
            logging.ERROR,
            __file__,
            1,
            "failed %s",
            ("here",),
            sys.exc_info(),
            extra={"when": datetime.date(2026, 1, 2), "request": object(), "_private": 1},
        )
    line = json.loads(formatter.format(record))
    assert list(line) == [
        "time",
        "level",
        "logger",
        "request_id",
        "message",
        "when",
        "request",
        "exc_info",
    ]
    assert (line["level"], line["message"], line["when"]) == ("ERROR", "failed here", "2026-01-02")
    assert line["request"].startswith("<object object")
    assert line["exc_info"].startswith("Traceback") and "RuntimeError: kaputt" in line["exc_info"]


def test_request_lines_are_written_together_within_the_flush_time():
    """Like nginx's access_log buffer: lines wait at most LOG_FLUSH_MS, in order, none lost."""
    import io
    import os

    from sanita33.jsonlog import ConsoleHandler

    stream = io.StringIO()
    handler = ConsoleHandler(stream, flush_ms=300)
    handler.setFormatter(JsonFormatter())
    started = time.monotonic()
    handler.write_line('{"n": 1}')
    handler.write_line('{"n": 2}')
    assert stream.getvalue() == ""  # waiting for company
    while stream.getvalue() == "" and time.monotonic() - started < 5:
        time.sleep(0.02)  # nothing else is logged: the timer writes them
    assert stream.getvalue() == '{"n": 1}\n{"n": 2}\n'
    assert time.monotonic() - started >= 0.3

    # Any other record first writes the waiting lines, so the log stays in order.
    handler.write_line('{"n": 3}')
    handler.emit(logging.makeLogRecord({"msg": "error", "levelno": logging.ERROR}))
    assert [json.loads(line).get("n", "record") for line in stream.getvalue().splitlines()] == [
        1,
        2,
        3,
        "record",
    ]

    # logging.shutdown() flushes every handler at exit: nothing waiting is lost.
    handler.write_line('{"n": 4}')
    handler.flush()
    assert stream.getvalue().endswith('{"n": 4}\n')

    # A forked child does not write its parent's waiting lines a second time.
    handler.write_line('{"n": 5}')
    pid = os.fork()
    if pid == 0:
        handler.flush()
        os._exit(0 if stream.getvalue().count('{"n": 5}') == 0 else 1)
    assert os.waitpid(pid, 0)[1] == 0
    handler.flush()
    assert stream.getvalue().count('{"n": 5}') == 1


def test_with_flush_time_zero_each_line_is_written_at_once():
    import io

    from sanita33.jsonlog import ConsoleHandler

    stream = io.StringIO()
    handler = ConsoleHandler(stream, flush_ms=0)
    handler.write_line('{"n": 1}')
    assert stream.getvalue() == '{"n": 1}\n'


def test_a_hit_line_is_the_line_log_request_writes():
    from sanita33.requestlog import log_hit

    with json_request_log() as lines:
        for _ in range(2):  # the page's part of the line is made once, then reused
            log_hit("GET", '/a\n"b"/città/', 200, time.perf_counter(), "abcdef0123456789")
        token = request_id_var.set("abcdef0123456789")
        try:
            log_request("GET", '/a\n"b"/città/', 200, time.perf_counter(), "HIT")
        finally:
            request_id_var.reset(token)
    first, second, reference = lines()
    for line in (first, second, reference):
        del line["time"], line["duration_ms"]
    assert first == second == reference
    assert reference["path"] == '/a\n"b"/città/' and reference["cache"] == "HIT"


def test_fresh_request_ids_are_unique_across_requests_and_forked_workers():
    import os

    from sanita33.requestlog import request_id_for

    ids = {request_id_for("") for _ in range(1000)}
    assert len(ids) == 1000 and all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # a gunicorn worker is a fork of the master
        os.write(write, request_id_for("").encode())
        os._exit(0)
    os.waitpid(pid, 0)
    child_id = os.read(read, 64).decode()
    assert child_id[:20] != next(iter(ids))[:20] and child_id not in ids
