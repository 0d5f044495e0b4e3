"""Varnish with the repository's VCL (deploy/varnish/) in front of gunicorn.

A hit never reaches gunicorn; the workflow services purge exactly the pages
that show what they changed; Varnish serves stale pages while gunicorn is
down; staff pass through.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from articles import services
from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, UserFactory
from tests.faults.conftest import free_port, gunicorn

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

VCL_DIR = Path(settings.BASE_DIR) / "deploy" / "varnish"
VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"


def require_varnish():
    if Path(VARNISHD).exists():
        return
    if os.environ.get("CI"):
        pytest.fail("varnishd is missing (.ci/run installs varnish varnish-modules)")
    pytest.skip("varnishd is not installed (apt install varnish varnish-modules)")


@contextmanager
def varnish(backend_port: int, workdir: Path):
    """varnishd running default.vcl, with an origin.vcl pointing at `backend_port`."""
    workdir.mkdir(parents=True, exist_ok=True)
    origin = (VCL_DIR / "origin.vcl").read_text()
    origin = origin.replace('.port = "8000"', f'.port = "{backend_port}"')
    # A quicker probe than production's, so the test need not wait long.
    origin = origin.replace(".interval = 2s;", ".interval = 0.2s;")
    (workdir / "origin.vcl").write_text(origin)
    port = free_port()
    log = workdir / "varnishd.log"
    with open(log, "ab") as output:
        process = subprocess.Popen(
            [
                VARNISHD,
                "-F",
                "-j",
                "none",
                "-n",
                str(workdir / "state"),
                "-a",
                f"127.0.0.1:{port}",
                "-f",
                str(VCL_DIR / "default.vcl"),
                "-p",
                f"vcl_path={workdir}:{VCL_DIR}",
                "-s",
                "malloc,32m",
            ],
            stdout=output,
            stderr=output,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, f"varnishd exited: {log.read_text()[-2000:]}"
            assert time.monotonic() < deadline, "varnishd did not start within 30 s"
            try:
                get(base, "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def wait_until_healthy(base: str) -> None:
    """Until Varnish's probe has seen gunicorn answer."""
    deadline = time.monotonic() + 20
    while get(base, "/healthz")[0] != 200:
        assert time.monotonic() < deadline, "Varnish never saw gunicorn healthy"
        time.sleep(0.1)


def get(base: str, path: str, cookie: str = "") -> tuple[int, dict, str]:
    request = urllib.request.Request(base + path, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def origin_requests(access_log: Path) -> int:
    """Requests gunicorn answered, apart from Varnish's health probe.

    gunicorn writes its access line after the response has left, so the count
    is read once it has stopped changing for a moment.
    """

    def count() -> int:
        if not access_log.exists():
            return 0
        return sum("/healthz" not in line for line in access_log.read_text().splitlines())

    last, stable_since = count(), time.monotonic()
    while time.monotonic() - stable_since < 0.3:
        time.sleep(0.05)
        now = count()
        if now != last:
            last, stable_since = now, time.monotonic()
    return last


@pytest.fixture
def edge(child_env, tmp_path, settings):
    """(varnish URL, gunicorn access log); purges from this process go to that Varnish."""
    require_varnish()
    access_log = tmp_path / "access.log"
    env = {
        **child_env,
        "DJANGO_SETTINGS_MODULE": "tests.faults.settings",  # no static manifest needed
        "PAGE_CACHE": "0",  # the edge is the cache
        "SECRET_KEY": settings.SECRET_KEY,  # to read the sessions this process signs
        "ACCESS_LOG": str(access_log),
        "LOG_LEVEL": "WARNING",
        "VAR_DIR": str(tmp_path / "var"),
    }
    env.pop("REDIS_URL", None)
    with gunicorn(env, workers=2, log=tmp_path / "gunicorn.log") as (origin, _):
        port = int(origin.rsplit(":", 1)[1])
        with varnish(port, tmp_path / "varnish") as base:
            wait_until_healthy(base)
            settings.EDGECACHE_BACKENDS = {
                "varnish": {"BACKEND": "edgecache.backends.VarnishBackend", "LOCATIONS": [base]}
            }
            yield base, access_log


def test_a_hit_is_answered_without_reaching_gunicorn(edge):
    base, access_log = edge
    article = ArticleFactory(related_enabled=False)
    status, headers, _ = get(base, article.get_absolute_url())
    assert (status, headers["X-Cache"]) == (200, "MISS")
    assert f"article-{article.pk}" in headers["Surrogate-Key"].split()
    seen = origin_requests(access_log)
    for _ in range(5):
        status, headers, body = get(base, article.get_absolute_url())
        assert (status, headers["X-Cache"]) == (200, "HIT")
        assert article.title in body
    assert origin_requests(access_log) == seen
    # Tracking parameters and analytics cookies do not split the cache.
    status, headers, _ = get(
        base, article.get_absolute_url() + "?utm_source=newsletter", cookie="_ga=GA1.2.3"
    )
    assert headers["X-Cache"] == "HIT"
    assert origin_requests(access_log) == seen


def test_workflow_services_purge_exactly_the_pages_that_show_the_article(edge):
    base, _ = edge
    farmaci, ricerca = SectionFactory(slug="farmaci"), SectionFactory(slug="ricerca")
    rossi, bianchi = AuthorFactory(slug="rossi"), AuthorFactory(slug="bianchi")
    editor = UserFactory(is_staff=True, is_superuser=True)
    a = ArticleFactory(section=farmaci, authors=[rossi], tags=["diabete"], related_enabled=False)
    b = ArticleFactory(section=ricerca, authors=[bianchi], related_enabled=False)
    c = ArticleFactory(
        draft=True,
        section=ricerca,
        authors=[bianchi],
        related_enabled=False,
        is_health_content=False,
    )
    pages = {
        "home": "/",
        "a": a.get_absolute_url(),
        "b": b.get_absolute_url(),
        "farmaci": "/farmaci/",
        "ricerca": "/ricerca/",
        "rossi": "/autori/rossi/",
        "bianchi": "/autori/bianchi/",
        "diabete": "/tag/diabete/",
        "feed": "/feed/",
        "sitemap": "/sitemap-articoli.xml",
    }

    def purged_after(change) -> set[str]:
        for path in pages.values():
            get(base, path)
            assert get(base, path)[1]["X-Cache"] == "HIT", path
        change()
        return {name for name, path in pages.items() if get(base, path)[1]["X-Cache"] != "HIT"}

    def edit():
        a.refresh_from_db()
        a.title = "Diabete, le nuove linee guida (aggiornato)"
        services.article_update(article=a, by=editor, loaded_version=a.version)

    on_a = {"a", "home", "farmaci", "rossi", "diabete", "feed", "sitemap"}
    assert purged_after(edit) == on_a
    assert "(aggiornato)" in get(base, pages["a"])[2]
    assert purged_after(lambda: services.article_correct(article=a, by=editor, note="Dose")) == on_a
    assert "Dose" in get(base, pages["a"])[2]

    publish = lambda: services.article_publish(article=c, by=editor)  # noqa: E731
    assert purged_after(publish) == {"home", "ricerca", "bianchi", "feed", "sitemap"}
    assert c.title in get(base, "/ricerca/")[2]

    unpublish = lambda: services.article_unpublish(article=b, by=editor)  # noqa: E731
    assert purged_after(unpublish) == {"b", "home", "ricerca", "bianchi", "feed", "sitemap"}
    assert get(base, pages["b"])[0] == 404
    assert Article.objects.get(pk=b.pk).status == Article.Status.UNPUBLISHED


def test_a_staff_session_passes_through_to_gunicorn(edge):
    base, access_log = edge
    ArticleFactory(related_enabled=False)
    get(base, "/")
    assert get(base, "/")[1]["X-Cache"] == "HIT"
    staff = Client()
    staff.force_login(UserFactory(is_staff=True, is_superuser=True))
    cookie = f"{settings.SESSION_COOKIE_NAME}={staff.cookies[settings.SESSION_COOKIE_NAME].value}"
    seen = origin_requests(access_log)
    for _ in range(2):
        status, headers, _ = get(base, "/", cookie=cookie)
        assert status == 200
        assert headers["X-Cache"] != "HIT"
    status, _, body = get(base, f"/{settings.ADMIN_PATH}", cookie=cookie)
    assert status == 200 and "logout" in body  # the admin, logged in, through Varnish
    assert origin_requests(access_log) == seen + 3


def test_varnish_serves_stale_pages_while_gunicorn_is_down(child_env, tmp_path):
    require_varnish()
    article = ArticleFactory(title="Vaccini, il calendario 2027", related_enabled=False)
    env = {
        **child_env,
        "DJANGO_SETTINGS_MODULE": "tests.faults.settings",
        "PAGE_CACHE": "0",
        "PAGE_CACHE_SECONDS": "1",  # expired a second after it is stored
        "LOG_LEVEL": "WARNING",
        "VAR_DIR": str(tmp_path / "var"),
    }
    env.pop("REDIS_URL", None)
    port = free_port()
    with varnish(port, tmp_path / "varnish") as base:
        with gunicorn(env, workers=1, log=tmp_path / "gunicorn.log", port=port):
            wait_until_healthy(base)
            assert get(base, article.get_absolute_url())[1]["X-Cache"] == "MISS"
        time.sleep(2)  # past s-maxage; the probe has seen gunicorn go
        status, headers, body = get(base, article.get_absolute_url())
        assert status == 200
        assert article.title in body
        assert int(headers["Age"]) >= 1
        # A page never cached has nothing stale to serve.
        assert get(base, "/farmaci/")[0] == 503
