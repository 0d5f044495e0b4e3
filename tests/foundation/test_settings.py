import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.smoke


def run_check(env_overrides: dict, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY", "DEBUG"}}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"DATABASE_URL": "postgres://u@h:notaport/db", "SECRET_KEY": "x"},
            "error: DATABASE_URL is malformed",
        ),
        (
            {"DATABASE_URL": "mysql://u@localhost/db", "SECRET_KEY": "x"},
            "error: DATABASE_URL must point to PostgreSQL",
        ),
        (
            {"DATABASE_URL": "postgres://postgres@127.0.0.1/db"},
            "error: SECRET_KEY must be set when DEBUG is off",
        ),
        ({"DEBUG": "maybe"}, "error: DEBUG must be a boolean"),
    ],
)
def test_bad_configuration_stops_with_one_line(overrides, message):
    result = run_check(overrides)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(message)


def test_local_secret_key_is_generated_once_and_reused(tmp_path, monkeypatch):
    from sanita33.env import local_secret_key

    path = tmp_path / "var" / "secret_key"
    first = local_secret_key(path)
    assert len(first) >= 50
    assert local_secret_key(path) == first
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_embedded_database_that_cannot_start_says_so_in_one_line(tmp_path):
    """A broken data directory gives one line naming the cause, not a traceback."""
    pgdata = tmp_path / "pgdata"
    pgdata.mkdir()
    (pgdata / "PG_VERSION").write_text("not a cluster\n")
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate"],
        env={
            **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
            "EMBEDDED_PGDATA": str(pgdata),
            "VAR_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: the embedded PostgreSQL in {pgdata} could not start")
    assert "postgresql.conf" in lines[0]


def test_production_settings_pass_the_deployment_checklist():
    """`check --deploy` with DEBUG off, a real key and an HTTPS host reports nothing."""
    result = run_check(
        {
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/sanita33",
            "SECRET_KEY": "k" * 20 + "-Zq8%j2@LmP0xVb7!cRt4&yWn3$hGf6*eDs9^aU1",
            "SITE_URL": "https://www.sanita33.example",
            "ALLOWED_HOSTS": "www.sanita33.example",
        },
        "--deploy",
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


PREPARED = (
    "import django; django.setup(); from django.db import connection; "
    "from articles.models import Article; "
    "[list(Article.objects.filter(slug='x')) for _ in range(6)]; "
    "cursor = connection.cursor(); "
    "cursor.execute('SELECT statement FROM pg_prepared_statements'); "
    "print(sum('articles_article' in row[0] for row in cursor.fetchall()))"
)


@pytest.mark.parametrize(("setting", "prepared"), [(None, True), ("0", False)])
def test_repeated_queries_are_planned_once_per_connection_unless_turned_off(setting, prepared, db):
    """A pooler in transaction mode without prepared-statement support needs them off."""
    from django.db import connection

    from tests.conftest import database_url_for

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_PREPARED_STATEMENTS"}
    env.update(DATABASE_URL=database_url_for(connection), SECRET_KEY="x")
    env.update({"DJANGO_SETTINGS_MODULE": "sanita33.settings"})
    if setting is not None:
        env["DATABASE_PREPARED_STATEMENTS"] = setting
    result = subprocess.run(
        [sys.executable, "-c", PREPARED], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert (int(result.stdout.split()[-1]) > 0) is prepared


@pytest.mark.parametrize(
    ("redis_url", "engine"),
    [
        ("redis://127.0.0.1:6379/0", "django.contrib.sessions.backends.cached_db"),
        # Never the per-process memory cache: a logout would not reach the other processes.
        ("", "django.contrib.sessions.backends.db"),
    ],
)
def test_sessions_are_cached_in_redis_only(redis_url, engine):
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(SECRET_KEY="x", DJANGO_SETTINGS_MODULE="sanita33.settings", REDIS_URL=redis_url)
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SESSION_ENGINE)"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == engine
