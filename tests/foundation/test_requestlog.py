import datetime
import json
import logging
import re
import sys

import pytest
from django.http import HttpResponse
from django.urls import path

from sanita33.requestlog import RequestIdFilter
from tests.conftest import json_formatter, json_request_log


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


def test_json_lines_carry_extra_fields_and_tracebacks():
    formatter = json_formatter()
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
    assert list(line)[:5] == ["time", "level", "logger", "request_id", "message"]
    assert set(line) == {*list(line)[:5], "when", "request", "exc_info"}
    assert (line["level"], line["message"], line["when"]) == ("ERROR", "failed here", "2026-01-02")
    assert line["request"].startswith("<object object")
    assert line["exc_info"].startswith("Traceback") and "RuntimeError: kaputt" in line["exc_info"]


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
    assert child_id not in ids


def test_the_configured_json_log_writes_each_request_line_before_the_response_returns(
    client, settings
):
    """No batching: a worker killed right after a response has logged it."""
    import copy
    import io
    import logging.config

    settings.ROOT_URLCONF = __name__
    stream = io.StringIO()
    config = copy.deepcopy(settings.LOGGING)
    config["handlers"]["console"].update(formatter="json", stream=stream)
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    logging.config.dictConfig(config)
    try:
        client.get("/ok/")
        written = stream.getvalue().splitlines()
    finally:
        logging.config.dictConfig(settings.LOGGING)
        root.handlers[:], _ = saved
        root.setLevel(saved[1])
    [line] = [json.loads(text) for text in written if "sanita33.request" in text]
    assert (line["message"], line["status"]) == ("GET /ok/ 200", 200)
