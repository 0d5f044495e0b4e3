"""Security headers, the admin's brute-force lock-out, the client address behind
proxies and the configurable admin path. Browser checks: tests/browser/test_security.py."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from newsletter.models import Subscriber
from sanita33.security import client_ip
from tests.conftest import admin_path
from tests.factories import ArticleFactory, EditorFactory, UserFactory
from tests.foundation.test_settings import run_check

READER_POLICY = {
    "default-src": ["'none'"],
    "script-src": ["'none'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "font-src": ["'self'"],
    # Lighthouse fetches robots.txt from the page (issue 17); no script can use it.
    "connect-src": ["'self'"],
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
def test_images_on_another_host_are_allowed_by_the_policy(client, settings, no_page_cache):
    """Media on S3 or a CDN: img-src names that origin, and only that one.

    Without the page cache: the storage changes between two requests of one page.
    """
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
def test_the_error_pages_styles_are_allowed_by_their_hash_alone(client, settings):
    settings.ROOT_URLCONF = "tests.browser.urls_security"
    client.raise_request_exception = False
    response = client.get("/prova-errore/")
    assert response.status_code == 500
    template = (Path(django_settings.BASE_DIR) / "templates" / "error_base.html").read_bytes()
    css = re.search(rb"<style>(.*?)</style>", template, re.DOTALL).group(1)
    digest = base64.b64encode(hashlib.sha256(css).digest()).decode()
    assert policy(response)["style-src"] == sorted(["'self'", f"'sha256-{digest}'"])
    # The 400 page (a form with too many fields) shares the stylesheet; normal pages
    # carry no hash at all.
    too_many = client.post(reverse("newsletter:subscribe"), {f"campo{n}": "1" for n in range(1001)})
    assert too_many.status_code == 400
    assert policy(too_many)["style-src"] == sorted(["'self'", f"'sha256-{digest}'"])
    assert policy(client.get("/"))["style-src"] == ["'self'"]


@pytest.mark.django_db
def test_pages_served_from_the_page_cache_carry_the_policy(client):
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


# Admin brute force ---------------------------------------------------------------


def log_in(client, username, password, ip="151.38.4.20", **extra):
    return client.post(
        admin_path(f"login/?next={admin_path()}"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
        **extra,
    )


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_account_out_from_that_address(client, caplog):
    EditorFactory(username="caporedattrice")
    for _ in range(4):
        refused = log_in(client, "caporedattrice", "sbagliata")
        assert refused.status_code == 200
        assert "Inserisci nome utente e password corretti" in refused.content.decode()

    with caplog.at_level(logging.WARNING, logger="axes"):
        locked = log_in(client, "caporedattrice", "sbagliata")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Accesso bloccato" in page
    assert "Dopo 5 password sbagliate" in page
    assert any(
        record.levelno == logging.WARNING
        and "Locking out" in record.getMessage()
        and "caporedattrice" in record.getMessage()
        and "151.38.4.20" in record.getMessage()
        for record in caplog.records
    )
    attempt = AccessAttempt.objects.get(username="caporedattrice", ip_address="151.38.4.20")
    assert attempt.failures_since_start == 5
    assert "sbagliata" not in attempt.post_data  # the passwords tried are not kept

    # Even the right password is refused now, and no session is opened.
    right = log_in(client, "caporedattrice", "password-di-prova")
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_lock_out_holds_one_address_and_username_not_the_newsroom(client):
    """An attacker cannot lock a journalist out, nor one office's typos everyone."""
    EditorFactory(username="caporedattrice")
    EditorFactory(username="giornalista")
    for _ in range(5):
        log_in(client, "caporedattrice", "sbagliata", ip="203.0.113.9")
    assert (
        log_in(client, "caporedattrice", "password-di-prova", ip="203.0.113.9").status_code == 429
    )

    assert log_in(client, "giornalista", "password-di-prova", ip="203.0.113.9").status_code == 302
    client.logout()
    assert (
        log_in(client, "caporedattrice", "password-di-prova", ip="151.38.4.20").status_code == 302
    )


@pytest.mark.django_db
def test_axes_reset_lifts_the_lock_out(client):
    EditorFactory(username="caporedattrice")
    for _ in range(5):
        log_in(client, "caporedattrice", "sbagliata")
    call_command("axes_reset", verbosity=0)
    assert log_in(client, "caporedattrice", "password-di-prova").status_code == 302


@pytest.mark.django_db
def test_behind_a_proxy_the_lock_out_holds_the_forwarded_address(client, settings):
    """Every request comes from the proxy; X-Forwarded-For tells attacker and editor apart."""
    settings.TRUSTED_PROXY_COUNT = 1
    EditorFactory(username="caporedattrice")
    for n in range(5):
        # Whatever the attacker puts at the left of the header is not believed.
        forwarded = f"10.9.9.{n}, 203.0.113.9"
        log_in(client, "caporedattrice", "sbagliata", ip="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    locked = log_in(
        client, "caporedattrice", "password-di-prova", ip="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )  # fmt: skip
    assert locked.status_code == 429
    editor = log_in(
        client, "caporedattrice", "password-di-prova", ip="10.0.0.2",
        HTTP_X_FORWARDED_FOR="151.38.4.20",
    )  # fmt: skip
    assert editor.status_code == 302


# The client's address ------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "", "10.0.0.2"),
        (0, "151.38.4.20", "10.0.0.2"),  # no proxy trusted: the header is anyone's
        (1, "151.38.4.20", "151.38.4.20"),
        (1, "6.6.6.6, 151.38.4.20", "151.38.4.20"),  # a spoofed entry on the left
        (2, "6.6.6.6, 151.38.4.20, 10.0.0.1", "151.38.4.20"),
        (2, "151.38.4.20", "10.0.0.2"),  # fewer hops than proxies: not through them all
        (1, "not-an-address", "10.0.0.2"),
        (1, "2a01:e11:5:1::7", "2a01:e11:5:1::7"),
    ],
)
def test_client_address(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", **extra)
    assert client_ip(request) == expected


@pytest.mark.django_db(transaction=True)
def test_newsletter_limit_counts_readers_not_the_proxy(client, settings):
    """Behind a proxy, one reader's signups are limited, other readers are not."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.NEWSLETTER_SIGNUPS_PER_IP_PER_HOUR = 2

    def signup(email, reader_ip):
        return client.post(
            "/newsletter/",
            {"email": email, "consent": "1", "page": "/"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=reader_ip,
        )

    assert [signup(f"a{n}@example.org", "151.38.4.20").status_code for n in range(3)] == [
        200,
        200,
        429,
    ]
    assert signup("b@example.org", "151.38.9.9").status_code == 200
    assert Subscriber.objects.count() == 3


# Configurable admin path ---------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ADMIN_PATH": "../segreto/"}, "error: ADMIN_PATH must be a path like admin/"),
        ({"ADMIN_PATH": "redazione interna/"}, "error: ADMIN_PATH must be a path like admin/"),
        ({"ADMIN_PATH": "static/admin/"}, "error: ADMIN_PATH cannot start with 'static'"),
        ({"ADMIN_PATH": "newsletter/"}, "error: ADMIN_PATH cannot start with 'newsletter'"),
        ({"TRUSTED_PROXY_COUNT": "-1"}, "error: TRUSTED_PROXY_COUNT must be 0 or more"),
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
