import subprocess
import sys

import pytest

pytestmark = pytest.mark.smoke


def test_healthz_answers_200_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.slow
def test_healthz_answers_503_when_the_database_is_unreachable(child_env):
    """Nothing listens on port 1: the probe must say 503, not raise."""
    env = {**child_env, "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nowhere"}
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(r.status_code, r.content.decode())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == '503 {"status": "error", "database": "unavailable", "cache": "ok"}'


def test_favicon_ico_points_to_the_site_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")
