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
