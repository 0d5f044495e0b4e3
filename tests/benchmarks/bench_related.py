"""Related articles at 10,000 and 100,000 published articles.

    python -m tests.benchmarks.bench_related [--articles 10000 100000] [--workers 2]

For each size: a database sanita33_bench_related_<n> (`--db-prefix`; reused when it already
holds the corpus, `--fresh` recreates it), the corpus of
../shared/bench/make_corpus.py (cached in var/bench/) bulk-loaded, then

- full rebuild: `manage.py recompute_related --all --workers N` in a child
  process: wall time and peak resident memory of the command and its workers;
- per article: 300 random articles, each list computed and stored as the
  background task does (`save_related`): p50/p95 in ms;
- one publish refresh (`refresh_related`: index, own list, ten neighbours).

Targets: p95 ≤ 100 ms, rebuild of 100,000 ≤ 30 min. Prints the load average,
since the figures are only as good as the machine is idle.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from tests.benchmarks.common import psql, say

REPO = Path(__file__).resolve().parents[2]
PY = REPO / ".venv" / "bin" / "python"
MAKE_CORPUS = REPO.parent / "shared" / "bench" / "make_corpus.py"
CACHE = REPO / "var" / "bench"
PG = "postgres://postgres@127.0.0.1:5432"
TARGET_P95_MS = 100
TARGET_REBUILD_S = 30 * 60


def env_for(db: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"{PG}/{db}",
        SECRET_KEY=env.get("SECRET_KEY", "bench-related"),
        DJANGO_SETTINGS_MODULE="sanita33.settings",
        PYTHONPATH=str(REPO),
        DEBUG="0",
    )
    return env


def corpus(n: int) -> Path:
    path = CACHE / f"corpus-{n}.jsonl"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        say(f"generating {path.name}")
        subprocess.run([sys.executable, str(MAKE_CORPUS), str(n), "-o", str(path)], check=True)
    return path


def prepare(n: int, fresh: bool, prefix: str = "sanita33_bench_related") -> str:
    db = f"{prefix}_{n}"
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{db}'") == "1"
    if exists and not fresh:
        try:
            count = int(psql("SELECT count(*) FROM articles_article", db))
        except subprocess.CalledProcessError:
            count = 0
        if count == n:
            say(f"{db}: reusing {count} articles")
            subprocess.run(
                [PY, "manage.py", "migrate", "-v0"], cwd=REPO, env=env_for(db), check=True
            )
            return db
    psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
    psql(f"CREATE DATABASE {db}")
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=REPO, env=env_for(db), check=True)
    say(f"{db}: loading {n} articles")
    subprocess.run(
        [PY, "manage.py", "import_articles", str(corpus(n)), "-v0"],
        cwd=REPO,
        env=env_for(db),
        check=True,
    )
    return db


def rebuild(db: str, workers: int) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB, largest single process) of a full rebuild."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    tick = time.monotonic()
    subprocess.run(
        [PY, "manage.py", "recompute_related", "--all", "--workers", str(workers)],
        cwd=REPO,
        env=env_for(db),
        check=True,
    )
    elapsed = time.monotonic() - tick
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) / 1024


PER_ARTICLE = r"""
import json, random, resource, statistics, sys, time
import django
import django.db.models
django.setup()
from articles import related
ids = related.published_ids()
sample = random.Random(1).sample(ids, min(300, len(ids)))
ms = []
for pk in sample:
    tick = time.perf_counter()
    related.save_related(pk)
    ms.append((time.perf_counter() - tick) * 1000)
ms.sort()
from articles.models import RelatedArticle
full = RelatedArticle.objects.values("article").annotate(n=django.db.models.Count("id"))
coverage = sum(1 for row in full if row["n"] >= 5) / len(ids)
tick = time.perf_counter()
related.refresh_related.call(sample[0])
refresh = (time.perf_counter() - tick) * 1000
print(json.dumps({
    "p50_ms": statistics.median(ms),
    "p95_ms": ms[int(len(ms) * 0.95) - 1],
    "refresh_ms": refresh,
    "coverage5": coverage,
    "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def per_article(db: str) -> dict:
    out = subprocess.run(
        [PY, "-c", PER_ARTICLE],
        cwd=REPO,
        env=env_for(db),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--fresh", action="store_true", help="recreate the databases")
    parser.add_argument(
        "--db-prefix",
        default="sanita33_bench_related",
        help="database name prefix (one per checkout, so parallel runs never share one)",
    )
    parser.add_argument("--skip-rebuild", action="store_true", help="only the per-article figures")
    args, _unknown = parser.parse_known_args()
    failed = False
    for n in args.articles:
        db = prepare(n, args.fresh, args.db_prefix)
        if args.skip_rebuild:
            previous = json.loads((CACHE / f"related-{n}.json").read_text())
            elapsed, peak = previous["rebuild_s"], previous["rebuild_peak_rss_mb"]
        else:
            say(f"{n}: full rebuild, {args.workers} workers (load {os.getloadavg()[0]:.1f})")
            elapsed, peak = rebuild(db, args.workers)
            say(f"{n}: rebuild {elapsed:.0f} s, peak RSS {peak:.0f} MB")
        figures = per_article(db)
        say(
            f"{n}: per article p50 {figures['p50_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms; "
            f"publish refresh {figures['refresh_ms']:.0f} ms; RSS {figures['rss_mb']:.0f} MB; "
            f"lists with 5+ picks {figures['coverage5']:.1%} "
            f"(load {os.getloadavg()[0]:.1f})"
        )
        result = {
            "articles": n,
            "rebuild_s": elapsed,
            "rebuild_peak_rss_mb": peak,
            **figures,
            "load_average": os.getloadavg()[0],
        }
        CACHE.mkdir(parents=True, exist_ok=True)
        (CACHE / f"related-{n}.json").write_text(json.dumps(result, indent=2))
        if figures["p95_ms"] > TARGET_P95_MS:
            say(f"{n}: p95 above the {TARGET_P95_MS} ms target")
            failed = True
        if n >= 100000 and elapsed > TARGET_REBUILD_S:
            say(f"{n}: rebuild above the {TARGET_REBUILD_S / 60:.0f} min target")
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
