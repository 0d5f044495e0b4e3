"""Benchmark `manage.py import_articles`: N articles into an empty database, then again.

    python -m tests.benchmarks.bench_import --articles 10000
    python -m tests.benchmarks.bench_import --articles 100000

The corpus comes from ../shared/bench/make_corpus.py (cached in var/bench/);
each run uses a fresh database `sanita33_bench_import_<N>` on the machine's
PostgreSQL. Target (issue 3): 100,000 articles in under 10 minutes on 2 cores.
Prints the first import's time and rate, the idempotent re-run's time, and
the importer's peak memory (RSS).
"""

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from tests.benchmarks.common import psql

REPO = Path(__file__).resolve().parents[2]
WORK = REPO / "var" / "bench"
PY = REPO / ".venv" / "bin" / "python"
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
TARGET_SECONDS_100K = 600


def ensure_corpus(count: int) -> Path:
    path = WORK / f"corpus-{count}.jsonl"
    if not path.exists():
        WORK.mkdir(parents=True, exist_ok=True)
        print(f"generating {count} articles with make_corpus.py", flush=True)
        make_corpus = REPO.parent / "shared" / "bench" / "make_corpus.py"
        tmp = path.with_suffix(".tmp")
        subprocess.run([sys.executable, make_corpus, str(count), "-o", tmp], check=True)
        tmp.rename(path)
    return path


def timed_import(env: dict, corpus: Path) -> tuple[float, str]:
    started = time.monotonic()
    result = subprocess.run(
        [PY, "manage.py", "import_articles", str(corpus), "-v", "1"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    elapsed = time.monotonic() - started
    if result.returncode:
        raise SystemExit(f"import failed:\n{result.stderr[-2000:]}")
    return elapsed, result.stdout.strip()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10000)
    args, _ = parser.parse_known_args(argv)  # `make bench` passes everyone's options
    count = args.articles
    corpus = ensure_corpus(count)
    database = f"sanita33_bench_import_{count}"
    psql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{database}"')
    env = {
        **os.environ,
        "DATABASE_URL": f"{PG}/{database}",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-import"),
        "DJANGO_SETTINGS_MODULE": "sanita33.settings",
    }
    subprocess.run([PY, "manage.py", "migrate", "-v", "0"], env=env, cwd=REPO, check=True)

    first, summary = timed_import(env, corpus)
    print(f"first import:  {count} articles in {first:.1f} s ({count / first:.0f}/s)")
    print(f"  {summary}")
    again, summary = timed_import(env, corpus)
    print(f"second import (nothing to change): {again:.1f} s")
    print(f"  {summary}")
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory of the importer: {peak_mb:.0f} MB")
    projected = first / count * 100_000
    verdict = "within" if projected <= TARGET_SECONDS_100K else "OVER"
    print(
        f"projected for 100,000: {projected / 60:.1f} min ({verdict} the 10-minute target; "
        f"load average now {os.getloadavg()[0]:.1f})"
    )
    psql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    return 0 if projected <= TARGET_SECONDS_100K else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
