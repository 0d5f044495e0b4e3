"""Reader pages under load: Sanità33 (uncached, page-cached, behind an nginx micro-cache)
against a minimal Wagtail news site, a bare WSGI app and nginx serving a static file.

    python -m tests.benchmarks.bench_pages [--articles 10000|100000] [--duration 10]

Everything runs on this machine over loopback: PostgreSQL on 127.0.0.1:5432
(databases sanita33_bench_<n> and sanita33_bench_wagtail_<n>, kept between runs
and reloaded when the article count differs or with --reload), Redis on
127.0.0.1:6379 (a key prefix of its own, deleted at the end), gunicorn with
gunicorn.conf.py and DEBUG off, wrk from a second process. Results also go to
var/bench/results-<n>.json.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from tests.benchmarks.common import say
from tests.benchmarks.pages.procs import (
    REPO,
    BenchError,
    Server,
    WrkResult,
    ensure_tools,
    fetch,
    free_port,
    nginx,
    wrk,
)

WORK = REPO / "var" / "bench"
PY = REPO / ".venv" / "bin" / "python"
GUNICORN = REPO / ".venv" / "bin" / "gunicorn"
WAGTAIL_DIR = REPO / "tests" / "benchmarks" / "wagtail_site"
WAGTAIL_VENV = WORK / "wagtail-venv"
PG = "postgres://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379/0"
MICRO_CACHE_SECONDS = 10  # s-maxage sent to the micro-cache in that run


def run(argv, *, env=None, cwd=REPO, quiet=True) -> str:
    result = subprocess.run(
        [str(a) for a in argv], env=env, cwd=cwd, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise BenchError(f"{' '.join(map(str, argv))} failed:\n{result.stderr[-3000:]}")
    if not quiet:
        print(result.stdout, end="")
    return result.stdout


def psql(sql: str) -> str:
    return run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAqc", sql]).strip()


def ensure_database(name: str) -> None:
    if psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") != "1":
        psql(f'CREATE DATABASE "{name}"')


def recreate_database(name: str) -> None:
    psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{name}"')


# Corpus and our database --------------------------------------------------------


def ensure_corpus(count: int) -> Path:
    path = WORK / f"corpus-{count}.jsonl"
    if not path.exists():
        say(f"generating {count} articles with make_corpus.py")
        make_corpus = REPO.parent / "shared" / "bench" / "make_corpus.py"
        run([sys.executable, make_corpus, count, "-o", path.with_suffix(".tmp")])
        path.with_suffix(".tmp").rename(path)
    return path


def our_env(count: int, *, page_cache: bool, prefix: str, **extra) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PAGE_CACHE", "DATABASE_REPLICA_URLS", "AWS_STORAGE_BUCKET_NAME"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="sanita33.settings",
        DATABASE_URL=f"{PG}/sanita33_bench_{count}",
        SECRET_KEY="benchmark-secret-key-not-for-production-0123456789",
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SITE_URL="http://127.0.0.1:8000",
        REDIS_URL=REDIS,
        CACHE_KEY_PREFIX=prefix,
        PAGE_CACHE="1" if page_cache else "0",
        STATIC_ROOT=str(WORK / "staticfiles"),
        VAR_DIR=str(WORK / "var"),
        MEDIA_ROOT=str(WORK / "media"),
        PYTHONPATH=str(REPO),
        **extra,
    )
    return env


def has_command(env: dict, name: str) -> bool:
    result = subprocess.run(
        [PY, "manage.py", "help", name], env=env, cwd=REPO, capture_output=True, text=True
    )
    return result.returncode == 0


def article_count(env: dict) -> int:
    out = run(
        [
            PY,
            "manage.py",
            "shell",
            "-c",
            "from articles.models import Article; print(Article.objects.count())",
        ],
        env=env,
    )
    return int(out.strip().splitlines()[-1])


def prepare_our_site(count: int, corpus: Path, env: dict, reload: bool) -> dict:
    """Our database with the corpus in it; returns how it was loaded and how long it took."""
    name = f"sanita33_bench_{count}"
    stamp = WORK / f"loaded-{count}.json"
    ensure_database(name)
    run([PY, "manage.py", "migrate", "--noinput", "-v0"], env=env)
    if reload or article_count(env) != count or not stamp.exists():
        loader = "import_articles" if has_command(env, "import_articles") else "fallback loader"
        say(f"loading {count} articles into {name} with {loader}")
        recreate_database(name)
        run([PY, "manage.py", "migrate", "--noinput", "-v0"], env=env)
        t0 = time.monotonic()
        if loader == "import_articles":
            run([PY, "manage.py", "import_articles", corpus], env=env)
        else:
            run([PY, "-m", "tests.benchmarks.pages.fallback_import", corpus], env=env)
        imported = time.monotonic() - t0
        if has_command(env, "recompute_related"):
            say("computing related articles (recompute_related --all)")
            run([PY, "manage.py", "recompute_related", "--all"], env=env)
        # Tasks the import queued (renditions, related lists) run before measuring.
        run([PY, "manage.py", "db_worker", "--batch", "--interval", "0", "--queue-name", "*"],
            env=env)  # fmt: skip
        run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", name, "-qc", "VACUUM ANALYZE"])
        info = {
            "loader": loader,
            "import_seconds": round(imported),
            "total_seconds": round(time.monotonic() - t0),
        }
        stamp.write_text(json.dumps(info))
        say(f"loaded: {info}")
    run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], env=env)
    return json.loads(stamp.read_text())


def discover(env: dict) -> dict:
    return json.loads(run([PY, "-m", "tests.benchmarks.pages.discover"], env=env).splitlines()[-1])


# Wagtail ------------------------------------------------------------------------


def wagtail_env(count: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="newsite.settings",
        DATABASE_URL=f"{PG}/sanita33_bench_wagtail_{count}",
        SECRET_KEY="benchmark-secret-key-not-for-production-0123456789",
        PYTHONPATH=f"{WAGTAIL_DIR}:{REPO}",
    )
    return env


def ensure_wagtail_venv() -> Path:
    requirements = WAGTAIL_DIR / "requirements.txt"
    stamp = WAGTAIL_VENV / ".requirements-sha"
    digest = hashlib.sha256(requirements.read_bytes()).hexdigest()
    python = WAGTAIL_VENV / "bin" / "python"
    if not python.exists() or not stamp.exists() or stamp.read_text() != digest:
        say("installing Wagtail from PyPI into var/bench/wagtail-venv")
        run([sys.executable, "-m", "venv", WAGTAIL_VENV])
        run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check", "-r",
             requirements])  # fmt: skip
        stamp.write_text(digest)
    return python


def prepare_wagtail(count: int, corpus: Path, reload: bool) -> dict:
    python = ensure_wagtail_venv()
    env = wagtail_env(count)
    name = f"sanita33_bench_wagtail_{count}"
    ensure_database(name)
    manage = [python, "manage.py"]
    run([*manage, "migrate", "--noinput", "-v0"], env=env, cwd=WAGTAIL_DIR)
    count_code = "from news.models import NewsPage; print(NewsPage.objects.count())"
    loaded = int(run([*manage, "shell", "-c", count_code], env=env, cwd=WAGTAIL_DIR).split()[-1])
    if reload or loaded != count:
        say(f"loading {count} articles into Wagtail ({name})")
        t0 = time.monotonic()
        recreate_database(name)
        run([*manage, "migrate", "--noinput", "-v0"], env=env, cwd=WAGTAIL_DIR)
        run(
            [*manage, "load_corpus", corpus],
            env={**env, "WAGTAIL_SEARCH_AUTO_UPDATE": "0"},
            cwd=WAGTAIL_DIR,
        )
        run([*manage, "update_index"], env=env, cwd=WAGTAIL_DIR)
        run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", name, "-qc", "VACUUM ANALYZE"])
        say(f"Wagtail loaded in {time.monotonic() - t0:.0f} s")
    return env


def wagtail_urls(env: dict, ours: dict) -> dict:
    code = (
        "import json; from news.models import NewsPage, SectionPage; "
        f"a = NewsPage.objects.get(slug={ours['article_slug']!r}); "
        f"s = SectionPage.objects.get(slug={ours['section_slug']!r}); "
        "print(json.dumps([a.url, s.url]))"
    )
    python = WAGTAIL_VENV / "bin" / "python"
    out = run([python, "manage.py", "shell", "-c", code], env=env, cwd=WAGTAIL_DIR)
    article, section = json.loads(out.strip().splitlines()[-1])
    return {
        "article": article,
        "home": "/",
        "section p.1": section,
        f"section p.{ours['last_page']}": f"{section}?page={ours['last_page']}",
        "search": "/search/?q=telemedicina",
        "rss": "/feed/",
        "sitemap": "/sitemap.xml",
    }


# Measuring ----------------------------------------------------------------------


def measure(server: Server, urls: dict, args, label: str) -> dict[str, WrkResult | None]:
    results = {}
    for name, path in urls.items():
        if not path:
            results[name] = None
            continue
        url = server.base + path
        fetch(url)  # fills the page cache where there is one
        status, headers, _ = fetch(url)
        if status != 200:
            say(f"{label} {name}: {path} answers {status}; skipped")
            results[name] = None
            continue
        wrk(url, duration=args.warmup, connections=args.connections)
        result = wrk(url, duration=args.duration, connections=args.connections)
        drain(server)
        cache = headers.get("X-Cache") or headers.get("X-Micro-Cache") or ""
        result.load = os.getloadavg()[0]
        say(
            f"{label:<18} {name:<14} {result.rps:8.0f} req/s  p50 {result.p50_ms:6.1f} ms  "
            f"p99 {result.p99_ms:6.1f} ms"
            + (f"  errors {result.errors}" if result.errors else "")
            + (f"  cache {cache}" if cache else "")
            + f"  (load {result.load:.1f})"
        )
        results[name] = result
    return results


def drain(server: Server) -> None:
    """Wait until the server has answered what wrk left queued (slow pages pile up).

    Sync workers take requests in order, so one fresh request returns only when
    the backlog is done; the next measurement then starts on an idle server.
    """
    try:
        fetch(server.base + "/robots.txt")
    except OSError:
        pass


def paired(first: tuple, second: tuple, args, rounds: int = 2) -> list[WrkResult]:
    """Best of `rounds` alternate runs of each side: A, B, A, B."""
    best: list[WrkResult | None] = [None, None]
    for _ in range(rounds):
        for side, (server, path) in enumerate((first, second)):
            url = server.base + path
            wrk(url, duration=args.warmup, connections=args.connections)
            result = wrk(url, duration=args.duration, connections=args.connections)
            result.load = os.getloadavg()[0]
            say(f"  {server.name:<14} {result.rps:8.0f} req/s  p99 {result.p99_ms:6.1f} ms"
                f"  (load {result.load:.1f})")  # fmt: skip
            drain(server)
            if best[side] is None or result.rps > best[side].rps:
                best[side] = result
    return best


def gunicorn_argv(gunicorn: Path, app: str | None, port: int, workers: int) -> list[str]:
    argv = [str(gunicorn), "-c", str(REPO / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}"]
    argv += ["--workers", str(workers)]
    return [*argv, app] if app else argv


def our_server(name: str, env: dict, workers: int) -> Server:
    port = free_port()
    return Server(
        name,
        gunicorn_argv(GUNICORN, None, port, workers),
        port=port,
        env=env,
        cwd=REPO,
        log=WORK / f"{name}.log",
    ).wait("/healthz")


def rss(server: Server) -> dict:
    sizes = server.worker_rss_mb()
    return {"workers": len(sizes), "median_mb": statistics.median(sizes) if sizes else 0}


def change_visibility(micro: Server, env: dict, discovered: dict) -> float | None:
    """Seconds until a title change shows through the micro-cache."""
    pk = discovered["article_pk"]
    marker = f"Titolo cambiato {int(time.time())}"
    code = (
        "from articles.models import Article; "
        f"a = Article.objects.get(pk={pk}); a.title = {marker!r}; a.save()"
    )
    url = micro.base + discovered["urls"]["article"]
    original = run(
        [PY, "manage.py", "shell", "-c",
         f"from articles.models import Article; print(Article.objects.get(pk={pk}).title)"],
        env=env,
    ).strip().splitlines()[-1]  # fmt: skip
    changed_at = time.monotonic()
    run([PY, "manage.py", "shell", "-c", code], env=env)
    seen = None
    try:
        while time.monotonic() - changed_at < MICRO_CACHE_SECONDS * 3 + 10:
            if marker.encode() in fetch(url)[2]:
                seen = time.monotonic() - changed_at
                break
            time.sleep(0.2)
    finally:
        restore = (
            "from articles.models import Article; "
            f"a = Article.objects.get(pk={pk}); a.title = {original!r}; a.save()"
        )
        run([PY, "manage.py", "shell", "-c", restore], env=env)
    return seen


def in_process(python: Path, env: dict, urls: dict, repeat: int, cwd: Path) -> dict:
    present = {k: v for k, v in urls.items() if v}
    out = run(
        [python, "-m", "tests.benchmarks.pages.inprocess", json.dumps(present), repeat],
        env=env,
        cwd=cwd,
    )
    return json.loads(out.strip().splitlines()[-1])


def delete_redis_prefix(prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS)
    keys = list(client.scan_iter(f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


# Report -------------------------------------------------------------------------


def cell(result: WrkResult | None) -> str:
    if result is None:
        return f"{'n/a':>26}"
    return f"{result.rps:8.0f} {result.p50_ms:7.1f} {result.p99_ms:8.1f} "


def rendered(result: dict | None) -> str:
    if not result:
        return f"{'n/a':>19}"
    times = f" (×{result['renders']})" if result["renders"] < 200 else ""
    return f"{result['median_ms']:10.1f} {result['queries']:8d}{times}"


def verdict(ok: bool | None) -> str:
    return {True: "PASS", False: "FAIL", None: "n/a "}[ok]


def report(data: dict) -> bool:
    cols = [
        ("Sanità33 uncached", data["ours_uncached"]),
        ("Sanità33 page cache", data["ours_cached"]),
        ("Wagtail", data.get("wagtail") or {}),
    ]
    print()
    print(
        f"Reader pages, {data['articles']:,} articles, wrk {data['connections']} connections "
        f"× {data['duration']} s, gunicorn {data['workers']} sync workers, "
        f"{os.cpu_count()} CPUs, {platform.python_implementation()} {platform.python_version()}"
    )
    load = data.get("load") or {}
    print(
        f"Corpus loaded with {load.get('loader', '?')} "
        f"({load.get('total_seconds', '?')} s including related lists); "
        f"machine load average {os.getloadavg()[0]:.1f} at the end (2 = both cores busy)"
    )
    print(f"{'page':<15}" + "".join(f"| {title:<26}" for title, _ in cols))
    print(f"{'':<15}" + "| req/s   p50 ms   p99 ms   " * len(cols))
    for name in data["urls"]:
        print(f"{name:<15}" + "".join(f"| {cell(results.get(name))}" for _, results in cols))
    print()
    print("Article page, one URL: paired rounds (A, B, A, B under the same load; best of 2)")
    pairs = data["pairs"]
    none = [None, None]
    wag_pair = pairs.get("uncached_vs_wagtail") or none
    tiers = [
        ("Sanità33 uncached", wag_pair[0] or data["ours_uncached"].get("article")),
        ("Wagtail", wag_pair[1]),
        ("Sanità33 page cache", pairs["cached_vs_floor"][0]),
        ("Python floor (bare WSGI)", pairs["cached_vs_floor"][1]),
        ("nginx micro-cache → ours", pairs["micro_vs_static"][0]),
        ("nginx static file", pairs["micro_vs_static"][1]),
    ]
    print(f"{'':<27}| req/s   p50 ms   p99 ms  | load avg")
    for title, result in tiers:
        load = f"| {result.load:.1f}" if result else ""
        print(f"{title:<27}| {cell(result)}{load}")

    def ratio(pair) -> float | None:
        if not (pair and pair[0] and pair[1]):
            return None
        if pair[1].rps == 0:  # nothing answered within wrk's timeout: no honest ratio
            return None
        return pair[0].rps / pair[1].rps

    wagtail = data.get("wagtail") or {}

    def page_ratio(name: str):
        return ratio((data["ours_uncached"].get(name), wagtail.get(name)))

    # Issue #15's targets. Home and sections come from the per-page runs above
    # (one after the other, not paired). The page cache against the bare WSGI
    # floor and the nginx micro-cache against nginx static are shown for
    # information: #15 withdrew the first, and the edge target is Varnish's
    # (bench_edge).
    checks = [
        ("uncached article ≥ 3× Wagtail", ratio(wag_pair), 3.0),
        ("uncached home ≥ 2× Wagtail", page_ratio("home"), 2.0),
        ("uncached section p.1 ≥ 2× Wagtail", page_ratio("section p.1"), 2.0),
        ("uncached section p.31 ≥ 2× Wagtail", page_ratio("section p.31"), 2.0),
    ]
    for title, value in (
        ("page-cached article / Python floor", ratio(pairs["cached_vs_floor"])),
        ("nginx micro-cache / nginx static", ratio(pairs["micro_vs_static"])),
    ):
        print(f"  info  {title}: " + ("n/a" if value is None else f"{value:.0%}"))
    print()
    print("Targets")
    passed = True
    for title, value, bar in checks:
        ok = None if value is None else value >= bar
        passed &= ok is not False
        shown = "n/a" if value is None else (f"{value:.2f}×" if bar >= 1 else f"{value:.0%}")
        print(f"  {verdict(ok)}  {title}: {shown}")
    seen = data["micro_change_seconds"]
    ok = seen is not None and seen <= MICRO_CACHE_SECONDS + 1
    passed &= ok
    print(
        f"  {verdict(ok)}  change visible through the micro-cache within s-maxage "
        f"({MICRO_CACHE_SECONDS} s): " + ("never" if seen is None else f"after {seen:.1f} s")
    )
    article = data["ours_uncached"].get("article")
    p99 = article.p99_ms if article else None
    if data["articles"] >= 100_000:
        ok = p99 is not None and p99 < 50
        passed &= ok
        shown = "n/a" if p99 is None else f"{p99:.1f} ms"
        print(f"  {verdict(ok)}  uncached article p99 < 50 ms at {data['articles']:,}: {shown}")
    else:
        print(
            f"  n/a   uncached article p99 < 50 ms is set at 100,000 articles "
            f"(here {data['articles']:,}: {p99:.1f} ms; run with --articles 100000)"
            if p99
            else "  n/a   uncached article p99"
        )
    worst = max(((n, r.p99_ms) for n, r in data["ours_uncached"].items() if r), key=lambda x: x[1])
    print(f"        slowest uncached p99: {worst[0]} {worst[1]:.1f} ms")
    print()
    print("Memory (RSS) per gunicorn worker, after the runs")
    for title, mem in data["memory"].items():
        print(f"  {title:<22} {mem['median_mb']:6.0f} MB × {mem['workers']} workers")
    print()
    print("In-process render (Django test client, median of", data["repeat"], ") and queries")
    wag = data.get("wagtail_inprocess") or {}
    print(f"{'page':<15}| Sanità33 ms  queries | Wagtail ms  queries")
    for name in data["urls"]:
        ours = data["ours_inprocess"].get(name)
        theirs = wag.get(name)
        print(f"{name:<15}| {rendered(ours)} | {rendered(theirs)}")
    return passed


def jsonable(value):
    if isinstance(value, WrkResult):
        return value.as_dict()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


# Main ---------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000, help="10000 (default) or 100000")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per URL")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 4)))
    parser.add_argument("--repeat", type=int, default=200, help="in-process renders per page")
    parser.add_argument("--reload", action="store_true", help="reload both databases")
    parser.add_argument("--skip-wagtail", action="store_true")
    args = parser.parse_args(argv)

    WORK.mkdir(parents=True, exist_ok=True)
    ensure_tools()
    prefix = f"s33bench{os.getpid()}"
    corpus = ensure_corpus(args.articles)
    uncached_env = our_env(args.articles, page_cache=False, prefix=prefix)
    cached_env = our_env(args.articles, page_cache=True, prefix=prefix)
    load = prepare_our_site(args.articles, corpus, uncached_env, args.reload)
    discovered = discover(uncached_env)
    if not discovered["has_related"] and has_command(uncached_env, "recompute_related"):
        # A database loaded without related lists: give the measured article its own.
        say(f"computing the related list of article {discovered['article_pk']}")
        run([PY, "manage.py", "recompute_related", "--article", discovered["article_pk"]],
            env=uncached_env)  # fmt: skip
        discovered = discover(uncached_env)
    urls = discovered["urls"]
    say(f"our pages: {json.dumps(urls)}")
    wag_env = None
    if not args.skip_wagtail:
        wag_env = prepare_wagtail(args.articles, corpus, args.reload)
        wag_urls = wagtail_urls(wag_env, discovered)

    data = {
        "articles": args.articles,
        "load": load,
        "connections": args.connections,
        "duration": args.duration,
        "workers": args.workers,
        "repeat": args.repeat,
        "urls": urls,
        "memory": {},
    }
    html_root = WORK / "html"
    html_root.mkdir(exist_ok=True)
    cache_dir = Path("/dev/shm") if Path("/dev/shm").is_dir() else WORK
    cache_dir = cache_dir / f"sanita33-bench-{os.getpid()}"
    # Every server stays up for the whole run, so the paired ratio rounds at the
    # end compare both sides under the same machine load, minutes apart at most.
    with contextlib.ExitStack() as servers:
        try:
            uncached = servers.enter_context(
                our_server("ours-uncached", uncached_env, args.workers)
            )
            status, _, body = fetch(uncached.base + urls["article"])
            if status != 200:
                raise BenchError(f"the article page answers {status}")
            (html_root / "article.html").write_bytes(body)
            data["article_bytes"] = len(body)

            cached = servers.enter_context(our_server("ours-cached", cached_env, args.workers))

            wagtail = None
            if wag_env:
                port = free_port()
                wag_gunicorn = WAGTAIL_VENV / "bin" / "gunicorn"
                argv = gunicorn_argv(wag_gunicorn, "newsite.wsgi:application", port, args.workers)
                wagtail = servers.enter_context(
                    Server(
                        "wagtail",
                        argv,
                        port=port,
                        env=wag_env,
                        cwd=WAGTAIL_DIR,
                        log=WORK / "wagtail.log",
                    )
                ).wait()

            port = free_port()
            argv = gunicorn_argv(
                GUNICORN, "tests.benchmarks.floor_app:application", port, args.workers
            )
            floor_env = {**uncached_env, "FLOOR_HTML": str(html_root / "article.html")}
            floor = servers.enter_context(
                Server("floor", argv, port=port, env=floor_env, cwd=REPO)
            ).wait()

            static = servers.enter_context(
                nginx("nginx-static", "static.conf.tmpl", WORK, html_root=html_root)
            ).wait("/article.html")

            micro_env = {**cached_env, "PAGE_CACHE_SECONDS": str(MICRO_CACHE_SECONDS)}
            micro_app = servers.enter_context(our_server("ours-micro", micro_env, args.workers))
            servers.callback(shutil.rmtree, cache_dir, True)
            micro = servers.enter_context(
                nginx(
                    "nginx-micro",
                    "microcache.conf.tmpl",
                    WORK,
                    app_port=micro_app.port,
                    cache_dir=cache_dir,
                )
            ).wait("/healthz")

            say("paired rounds: each side of a ratio measured twice, alternately; best kept")
            article = urls["article"]
            pairs = {
                "uncached_vs_wagtail": ((uncached, article), (wagtail, wag_urls["article"]))
                if wagtail
                else None,
                "cached_vs_floor": ((cached, article), (floor, "/")),
                "micro_vs_static": ((micro, article), (static, "/article.html")),
            }
            data["pairs"] = {
                name: paired(*pair, args) if pair else None for name, pair in pairs.items()
            }
            data["micro_change_seconds"] = change_visibility(micro, micro_env, discovered)
            say(f"title change visible through nginx after {data['micro_change_seconds']} s")

            # Every page type; slow ones (sitemaps, search) last within each server.
            data["ours_uncached"] = measure(uncached, urls, args, "uncached")
            data["ours_cached"] = measure(cached, urls, args, "page cache")
            if wagtail:
                data["wagtail"] = measure(wagtail, wag_urls, args, "wagtail")

            data["memory"]["Sanità33"] = rss(uncached)
            data["memory"]["Sanità33 (page cache)"] = rss(cached)
            if wagtail:
                data["memory"]["Wagtail"] = rss(wagtail)
            data["memory"]["Python floor"] = rss(floor)
        finally:
            delete_redis_prefix(prefix)

    say("in-process render times")
    data["ours_inprocess"] = in_process(PY, uncached_env, urls, args.repeat, REPO)
    if wag_env:
        wag_python = WAGTAIL_VENV / "bin" / "python"
        data["wagtail_inprocess"] = in_process(
            wag_python, wag_env, wag_urls, args.repeat, WAGTAIL_DIR
        )

    out = WORK / f"results-{args.articles}.json"
    out.write_text(json.dumps(jsonable(data), indent=2, ensure_ascii=False))
    say(f"results in {out.relative_to(REPO)}")
    passed = report(data)
    # Targets are reported, not enforced: make bench fails only when the run breaks.
    print("all targets met" if passed else "some targets not met (see above)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)
