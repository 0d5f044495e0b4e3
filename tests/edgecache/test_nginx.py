"""nginx with the repository's micro-cache config (deploy/nginx/sanita33.conf) and
Debian's cache-purge module in front of gunicorn: an edit through the workflow
services purges the article's page and the pages that list it, by address, while
an unrelated page keeps its cached copy.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings

from articles import services
from tests.edgecache.test_varnish import get
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, UserFactory
from tests.faults.conftest import free_port, gunicorn

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CONF = Path(settings.BASE_DIR) / "deploy" / "nginx" / "sanita33.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PURGE_MODULE = Path("/usr/lib/nginx/modules/ngx_http_cache_purge_module.so")


def require_nginx():
    if Path(NGINX).exists() and PURGE_MODULE.exists():
        return
    if os.environ.get("CI"):
        pytest.fail("nginx or its cache-purge module is missing (.ci/run installs them)")
    pytest.skip("apt install nginx libnginx-mod-http-cache-purge")


def site_conf(backend_port: int, port: int, purge_port: int, run: Path) -> str:
    """The deployed config with this test's ports and a cache folder of its own."""
    text = CONF.read_text()
    replacements = {
        "/var/cache/nginx/sanita33": str(run / "cache"),
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{backend_port};",
        "listen 80;": f"listen 127.0.0.1:{port};",
        "listen 127.0.0.1:6081;": f"listen 127.0.0.1:{purge_port};",
    }
    for old, new in replacements.items():
        assert old in text, f"{CONF.name} no longer contains {old!r}"
        text = text.replace(old, new)
    return text


@contextmanager
def nginx(backend_port: int, run: Path):
    run.mkdir(parents=True, exist_ok=True)
    port, purge_port = free_port(), free_port()
    (run / "sanita33.conf").write_text(site_conf(backend_port, port, purge_port, run))
    temp = " ".join(
        f"{kind}_temp_path {run / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi")
    )
    (run / "nginx.conf").write_text(
        f"load_module {PURGE_MODULE};\n"
        + ("user root;\n" if os.geteuid() == 0 else "")
        + f"daemon off; worker_processes 1; pid {run / 'nginx.pid'};\n"
        + "events { worker_connections 64; }\n"
        + f"http {{ access_log off; {temp} scgi_temp_path {run / 'scgi'};\n"
        + f"include {run / 'sanita33.conf'}; }}\n"
    )
    log = run / "error.log"
    process = subprocess.Popen(
        [NGINX, "-c", str(run / "nginx.conf"), "-p", str(run), "-e", str(log)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            assert process.poll() is None, f"nginx exited: {log.read_text()[-2000:]}"
            assert time.monotonic() < deadline, "nginx did not start within 20 s"
            try:
                get(base, "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        yield base, f"http://127.0.0.1:{purge_port}"
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture
def micro_cache(child_env, tmp_path, settings):
    """nginx's URL; purges from this process go to its purge server (NginxBackend)."""
    require_nginx()
    env = {
        **child_env,
        "DJANGO_SETTINGS_MODULE": "tests.faults.settings",
        "PAGE_CACHE": "0",  # nginx is the cache
        "LOG_LEVEL": "WARNING",
        "VAR_DIR": str(tmp_path / "var"),
    }
    env.pop("REDIS_URL", None)
    with gunicorn(env, workers=1, log=tmp_path / "gunicorn.log") as (origin, _):
        port = int(origin.rsplit(":", 1)[1])
        with nginx(port, tmp_path / "nginx") as (base, purge):
            settings.EDGECACHE_BACKENDS = {
                "nginx": {"BACKEND": "edgecache.backends.NginxBackend", "LOCATIONS": [purge]}
            }
            yield base


def test_an_edit_purges_the_article_and_its_lists_by_address(micro_cache):
    base = micro_cache
    farmaci, ricerca = SectionFactory(slug="farmaci"), SectionFactory(slug="ricerca")
    rossi = AuthorFactory(slug="rossi")
    editor = UserFactory(is_staff=True, is_superuser=True)
    article = ArticleFactory(section=farmaci, authors=[rossi], related_enabled=False)
    other = ArticleFactory(section=ricerca, related_enabled=False)
    pages = {
        "article": article.get_absolute_url(),
        "home": "/",
        "farmaci": "/farmaci/",
        "rossi": "/autori/rossi/",
        "feed": "/feed/",
        "other": other.get_absolute_url(),
        "ricerca": "/ricerca/",
    }
    for name, path in pages.items():
        assert get(base, path)[1]["X-Cache"] == "MISS", name
        status, headers, _ = get(base, path)
        assert (status, headers["X-Cache"]) == (200, "HIT"), name

    article.refresh_from_db()
    article.title = "Farmaci equivalenti, la nuova lista dell'AIFA"
    services.article_update(article=article, by=editor, loaded_version=article.version)

    after = {name: get(base, path) for name, path in pages.items()}
    missed = {name for name, (_, headers, _) in after.items() if headers["X-Cache"] != "HIT"}
    assert missed == {"article", "home", "farmaci", "rossi", "feed"}
    assert "la nuova lista dell" in after["article"][2]
    title_tag = re.search(r"<title>(.*?)</title>", after["article"][2], re.S)
    assert title_tag and "Farmaci equivalenti" in title_tag.group(1)
