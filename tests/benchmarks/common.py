"""Helpers every benchmark module shares."""

import subprocess
import time

started_at = time.monotonic()


def say(message: str) -> None:
    """A progress line stamped with the seconds since the benchmark started."""
    print(f"[{time.monotonic() - started_at:6.1f} s] {message}", flush=True)


def psql(sql: str, database: str = "postgres") -> str:
    """Run one statement on the machine's PostgreSQL; raise if it fails."""
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-tAqc", sql],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
