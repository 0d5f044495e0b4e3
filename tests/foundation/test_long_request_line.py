"""An over-long request line gets an Italian 414 page from gunicorn itself (issue 17).

gunicorn refuses request lines over limit_request_line before Django runs; its
own page was English «URI Too Long». Checked against a real gunicorn started
with the project's gunicorn.conf.py.
"""

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.foundation.test_scaleout import free_port, wait_until_serving


@pytest.fixture
def server(child_env, tmp_path):
    port = free_port()
    env = {**child_env, "WEB_CONCURRENCY": "1", "VAR_DIR": str(tmp_path), "LOG_LEVEL": "WARNING"}
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    process = subprocess.Popen(
        [gunicorn, "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_serving(f"http://127.0.0.1:{port}", process)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)


def raw_get(port: int, target: str) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.slow
def test_a_3150_character_search_gets_an_italian_414_page(server):
    response = raw_get(server, "/cerca/?q=" + "a" * 5000)
    head, _, body = response.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 414 ")
    assert b"Content-Type: text/html; charset=utf-8" in head
    assert b"Content-Security-Policy: default-src 'none'; style-src 'sha256-" in head
    page = body.decode()
    assert '<html lang="it">' in page
    assert "Indirizzo troppo lungo" in page
    assert "URI Too Long" not in page


@pytest.mark.slow
def test_a_long_request_within_the_limit_reaches_the_site(server):
    # /healthz: the child has no collected static files for HTML pages.
    response = raw_get(server, "/healthz?q=" + "a" * 3150)
    head = response.partition(b"\r\n\r\n")[0]
    assert head.startswith(b"HTTP/1.1 200 ")
