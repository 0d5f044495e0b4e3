"""Backup and restore, end to end: content with an image, `backup_site`, then
`restore_site` into a new database and a new media folder (on the machine's
PostgreSQL 15 and on a fresh embedded PostgreSQL 18), and the restored site
shows the article with its image.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image
from psycopg import sql

from articles.models import Publisher
from newsletter.models import Subscriber
from sanita33.backup import client_program, row_counts
from tests.conftest import database_url_for
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.slow

# Runs in a child process against the restored database, as the site would:
# the newest published article with a lead image, its page and that image.
CHECK_SITE = """
import hashlib, json, re
import django
django.setup()
from django.conf import settings
from django.test import Client
from articles.models import Article
from sanita33.backup import client_program, row_counts
# Static files without a manifest, so the check needs no collectstatic.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
article = Article.objects.published().exclude(lead_image="").newest_first().first()
client = Client()
page = client.get(article.get_absolute_url())
html = page.content.decode()
src = re.search(r'<img[^>]+src="(/media/[^"]+)"', html).group(1)
image = client.get(src)
print(json.dumps({
    "path": article.get_absolute_url(),
    "status": page.status_code,
    "title_shown": article.title in html,
    "image_status": image.status_code,
    "image_sha": hashlib.sha256(b"".join(image.streaming_content)).hexdigest(),
    "image_path": src,
    "counts": row_counts(),
}))
"""


def jpeg(size=(900, 500)) -> bytes:
    out = BytesIO()
    Image.linear_gradient("L").resize(size).convert("RGB").save(out, "JPEG")
    return out.getvalue()


def manage(*args, env, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def check_site(env) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", CHECK_SITE],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.startswith("CommandError")]
    assert len(lines) == 1, result.stderr[-2000:]
    return lines[0]


@pytest.fixture
def newsroom(child_env, tmp_path):
    """Committed content: an article with a lead image (and its renditions), a subscriber."""
    Publisher.objects.create()
    article = ArticleFactory(
        section=SectionFactory(name="Farmaci", slug="farmaci"),
        title="Vaccino antinfluenzale: la campagna parte",
        slug="vaccino-campagna",
        lead_image=SimpleUploadedFile("foto.jpg", jpeg(), content_type="image/jpeg"),
        lead_image_alt="Una fiala di vaccino",
        tags=["vaccini"],
    )
    Subscriber.objects.create(email="lettrice@example.org", status="confirmed")
    env = dict(child_env, MEDIA_ROOT=str(settings.MEDIA_ROOT), SERVE_MEDIA="1")
    env.pop("PYTHONWARNINGS", None)
    return article, env


@pytest.fixture
def empty_database():
    """A new database on the machine's server, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restored"
    params = connection.get_connection_params()
    admin = {k: params[k] for k in ("host", "port", "user", "password") if params.get(k)}
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = database_url_for(connection).rsplit("/", 1)[0] + f"/{name}"
    yield url
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def test_backup_then_restore_into_a_new_database_brings_the_site_back(
    newsroom, empty_database, tmp_path
):
    article, env = newsroom
    original = row_counts()
    image_on_disk = Path(settings.MEDIA_ROOT) / article.lead_image.name
    assert image_on_disk.is_file()

    backup = tmp_path / "backup"
    made = manage("backup_site", str(backup), env=env)
    assert made.returncode == 0, made.stderr[-2000:]
    assert made.stdout.startswith(f"Backup in {backup}: database ")
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["counts"] == original
    assert sorted(p.name for p in backup.iterdir()) == [
        "database.dump",
        "manifest.json",
        "media.tar.gz",
    ]
    assert manage("backup_site", str(backup), env=env).returncode == 1  # never overwrites

    restored_media = tmp_path / "media-restored"
    target = dict(env, DATABASE_URL=empty_database, MEDIA_ROOT=str(restored_media))

    # An archive damaged in its table data fails after the tables were created:
    # the restore must leave no table and no media folder.
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    for name in ("manifest.json", "media.tar.gz"):
        (damaged / name).write_bytes((backup / name).read_bytes())
    original_dump = (backup / "database.dump").read_bytes()
    # Table data comes last in the archive: walk back from the end into it.
    for start in range(len(original_dump) - 256, len(original_dump) // 2, -64):
        dump = bytearray(original_dump)
        dump[start : start + 64] = b"\xff" * 64  # garbage inside a compressed data block
        (damaged / "database.dump").write_bytes(dump)
        script = subprocess.run(
            [client_program("pg_restore"), "--file=-", str(damaged / "database.dump")],
            capture_output=True,
            timeout=60,
        )
        if script.returncode != 0 and b"CREATE TABLE" in script.stdout:
            break
    else:
        pytest.fail("no damage made pg_restore fail after the tables")
    assert "ripristino non riuscito" in one_line_error(
        manage("restore_site", str(damaged), env=target)
    )
    with psycopg.connect(empty_database.replace("postgres://", "postgresql://")) as conn:
        tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        assert tables.fetchone() == (0,)
    assert not restored_media.exists()

    result = manage("restore_site", str(backup), env=target)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Conteggi verificati" in result.stdout

    site = check_site(target)
    assert site["path"] == article.get_absolute_url()
    assert site["status"] == 200 and site["title_shown"]
    assert site["image_status"] == 200
    served = restored_media / site["image_path"].removeprefix("/media/")
    original_file = Path(settings.MEDIA_ROOT) / site["image_path"].removeprefix("/media/")
    assert served.read_bytes() == original_file.read_bytes()
    assert site["counts"] == original

    again = one_line_error(manage("restore_site", str(backup), env=target))
    assert "non è vuoto" in again and "nulla è stato cambiato" in again


def test_backup_and_restore_with_the_embedded_database(tmp_path):
    """`make backup` and `make restore` on machines without DATABASE_URL (PostgreSQL 18)."""
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MEDIA_ROOT")}
    base.update(SECRET_KEY="test-secret-key", SERVE_MEDIA="1", ALLOWED_HOSTS="testserver")

    def machine(name: str) -> dict:
        return dict(
            base,
            EMBEDDED_PGDATA=str(tmp_path / name / "pgdata"),
            VAR_DIR=str(tmp_path / name),
            MEDIA_ROOT=str(tmp_path / name / "media"),
        )

    old, new = machine("old"), machine("new")
    for step in (["migrate", "-v0"], ["load_demo"], ["backup_site", str(tmp_path / "backup")]):
        result = manage(*step, env=old, timeout=240)
        assert result.returncode == 0, result.stderr[-2000:]
    before = check_site(old)

    result = manage("restore_site", str(tmp_path / "backup"), env=new, timeout=240)
    assert result.returncode == 0, result.stderr[-2000:]
    after = check_site(new)

    assert (after["status"], after["title_shown"], after["image_status"]) == (200, True, 200)
    assert (after["path"], after["image_path"], after["image_sha"]) == (
        before["path"],
        before["image_path"],
        before["image_sha"],
    )
    assert after["counts"] == before["counts"] and after["counts"]["articles"] >= 40
    for name in ("old", "new"):  # every process left, so each server stopped
        assert not (tmp_path / name / "pgdata" / "postmaster.pid").exists()
