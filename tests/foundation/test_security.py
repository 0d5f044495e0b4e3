"""Security headers and the configurable admin path.
Browser checks: tests/browser/test_security.py."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tests.conftest import admin_path
from tests.factories import ArticleFactory, UserFactory
from tests.foundation.test_settings import run_check

READER_POLICY = {
    "default-src": ["'none'"],
    "script-src": ["'none'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "font-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}


def policy(response) -> dict[str, list[str]]:
    directives = [d.split() for d in response["Content-Security-Policy"].split(";")]
    return {name: sorted(values) for name, *values in directives}


# Content-Security-Policy ---------------------------------------------------------


@pytest.mark.django_db
def test_reader_pages_allow_no_script_and_nothing_from_elsewhere(client):
    article = ArticleFactory()
    paths = ["/", article.get_absolute_url(), "/newsletter/", "/cerca/?q=vaccini", "/nessuna/"]
    for path in paths:
        response = client.get(path)
        assert policy(response) == READER_POLICY, path


@pytest.mark.django_db
def test_admin_and_editor_endpoints_get_the_admin_policy_without_eval(client):
    client.force_login(UserFactory(is_staff=True))
    for path in (admin_path("login/"), admin_path("articles/article/add/"), "/ckeditor/browse/"):
        admin = policy(client.get(path))
        assert admin["script-src"] == ["'self'", "'unsafe-inline'"], path
        assert admin["default-src"] == ["'none'"]
        assert admin["frame-ancestors"] == ["'none'"]
        assert admin["object-src"] == ["'none'"]
        assert not any("unsafe-eval" in value for values in admin.values() for value in values)


@pytest.mark.django_db
def test_the_admin_policy_follows_the_admin_path(client, settings):
    """Moving the admin moves its looser policy: the old address gets the reader's."""
    settings.ADMIN_PATH = "redazione-7f3k/"
    assert policy(client.get("/redazione-7f3k/login/"))["script-src"] == [
        "'self'",
        "'unsafe-inline'",
    ]
    assert policy(client.get("/admin/login/")) == READER_POLICY


@pytest.mark.django_db
def test_images_on_another_host_are_allowed_by_the_policy(client, settings):
    """Media on S3 or a CDN: img-src names that origin, and only that one."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": "s33-media", "custom_domain": "media.sanita33.example"},
        },
    }
    response = client.get("/")
    assert policy(response)["img-src"] == ["'self'", "https://media.sanita33.example"]
    local = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    settings.STORAGES = {**settings.STORAGES, "default": local}
    assert policy(client.get("/"))["img-src"] == ["'self'"]


@pytest.mark.django_db
def test_the_500_page_styles_are_allowed_by_their_hash_alone(client, settings):
    settings.ROOT_URLCONF = "tests.browser.urls_security"
    client.raise_request_exception = False
    response = client.get("/prova-errore/")
    assert response.status_code == 500
    template = (Path(django_settings.BASE_DIR) / "templates" / "500.html").read_bytes()
    css = re.search(rb"<style>(.*?)</style>", template, re.DOTALL).group(1)
    digest = base64.b64encode(hashlib.sha256(css).digest()).decode()
    assert policy(response)["style-src"] == sorted(["'self'", f"'sha256-{digest}'"])


@pytest.mark.django_db
def test_pages_served_from_the_page_cache_carry_the_policy(client, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    after = settings.MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[:after],
        "django.middleware.http.ConditionalGetMiddleware",
        "sanita33.pagecache.PageCacheMiddleware",
        *settings.MIDDLEWARE[after:],
    ]
    ArticleFactory()
    assert client.get("/")["X-Cache"] == "MISS"
    hit = client.get("/")
    assert hit["X-Cache"] == "HIT"
    assert policy(hit) == READER_POLICY


# Other headers -------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", admin_path("login/")])
def test_powerful_browser_features_are_denied_to_every_page(client, path):
    response = client.get(path)
    features = dict(
        item.strip().split("=", 1) for item in response["Permissions-Policy"].split(",")
    )
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"):
        assert features[feature] == "()", feature


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", admin_path("login/")])
def test_referrer_sniffing_and_framing_headers(client, path):
    response = client.get(path)
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


# Configurable admin path ---------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ADMIN_PATH": "../segreto/"}, "error: ADMIN_PATH must be a path like admin/"),
        ({"ADMIN_PATH": "redazione interna/"}, "error: ADMIN_PATH must be a path like admin/"),
        ({"ADMIN_PATH": "static/admin/"}, "error: ADMIN_PATH cannot start with 'static'"),
        ({"ADMIN_PATH": "newsletter/"}, "error: ADMIN_PATH cannot start with 'newsletter'"),
        (
            {"CSP_EXTRA_IMG_SRC": "https://img.example.org; script-src *"},
            "error: CSP_EXTRA_IMG_SRC must list origins like https://img.example.org",
        ),
    ],
)
def test_bad_security_settings_stop_with_one_line(overrides, message):
    result = run_check(overrides)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(message)


def test_a_custom_admin_path_moves_the_admin_and_stays_private(child_env):
    """The admin answers at the new path only, is never cached and robots.txt keeps it secret."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.foundation.admin_path_probe"],
        env={
            **child_env,
            "ADMIN_PATH": "/redazione-7f3k",
            "CSP_EXTRA_IMG_SRC": "https://vecchio.sanita33.example",
        },
        capture_output=True,
        text=True,
        timeout=60,
        cwd=django_settings.BASE_DIR,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["custom_login"] == 200
    assert "'unsafe-inline'" in seen["custom_policy"]
    assert seen["default_login"] == 404
    assert "redazione" not in seen["robots"]
    assert "admin" not in seen["robots"]
    assert seen["custom_cacheable"] is False
    # An image host named in CSP_EXTRA_IMG_SRC joins the readers' policy.
    assert "img-src 'self' https://vecchio.sanita33.example" in seen["reader_policy"]
