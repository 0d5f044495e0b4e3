"""What readers get when the database fails: a 503 page in Italian, not a 500."""

from __future__ import annotations

import json
import logging
import socket
import subprocess
import sys
from unittest import mock

import pytest
from django.db import OperationalError

UNAVAILABLE_TEXT = "Servizio momentaneamente non disponibile"

# The site with nothing listening where its database should be.
UNREACHABLE_SITE = """
import json, sys, django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
answers = {}
for path in sys.argv[1:]:
    if path == "/newsletter/":
        r = client.post(path, {"email": "a@example.org", "consent": "1"})
    else:
        r = client.get(path)
    answers[path] = [r.status_code, r.get("Retry-After"), r.get("Cache-Control"), r.text]
print(json.dumps(answers))
"""


@pytest.mark.slow
def test_pages_answer_503_when_the_database_is_unreachable(child_env):
    env = {
        **child_env,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nowhere",
        "LOG_LEVEL": "INFO",
    }
    result = subprocess.run(
        [sys.executable, "-c", UNREACHABLE_SITE, "/", "/cardiologia/un-articolo/", "/newsletter/"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout)

    for path, (status, retry_after, cache_control, page) in answers.items():
        assert (status, retry_after, cache_control) == (503, "10", "no-store"), path
        assert UNAVAILABLE_TEXT in page
        assert '<html lang="it">' in page
    # One warning for the outage, no traceback per request.
    assert result.stderr.count("sanita33.outage") == 1
    assert "database unavailable: connection failed" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture
def reader(client):
    client.raise_request_exception = False
    return client


def test_a_deadlock_answers_503_and_keeps_its_traceback_in_the_log(reader, db, caplog):
    """The connection is fine: no outage, so Django's error log (with traceback) stays."""
    with mock.patch(
        "articles.models.Publisher.load",
        side_effect=OperationalError("deadlock detected"),
    ):
        with caplog.at_level(logging.WARNING):
            response = reader.get("/")

    assert response.status_code == 503
    assert UNAVAILABLE_TEXT in response.content.decode()
    errors = [r for r in caplog.records if r.name == "django.request"]
    assert len(errors) == 1 and errors[0].exc_info is not None
    assert not [r for r in caplog.records if r.name == "sanita33.outage"]


def test_a_bug_is_still_a_500(reader, db):
    with mock.patch("articles.models.Publisher.load", side_effect=ValueError("bug")):
        response = reader.get("/")

    assert response.status_code == 500
    assert "Si è verificato un errore" in response.content.decode()


@pytest.mark.slow
def test_a_database_that_never_answers_gives_503_not_a_hung_worker(child_env):
    """The server accepts the connection and stays silent, like a host dropping packets."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)  # the kernel completes the handshake; nobody ever answers
    port = listener.getsockname()[1]
    env = {**child_env, "DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/silent"}
    try:
        result = subprocess.run(
            [sys.executable, "-c", UNREACHABLE_SITE, "/"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        listener.close()
    assert result.returncode == 0, result.stderr
    status, retry_after, _, page = json.loads(result.stdout)["/"]
    assert (status, retry_after) == (503, "10")
    assert UNAVAILABLE_TEXT in page
