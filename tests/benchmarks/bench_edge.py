"""Sanità33 behind Varnish (deploy/varnish/default.vcl): hits against nginx serving
the same page as a static file, and how soon a correction shows through Varnish.

    python -m tests.benchmarks.bench_edge [--articles 2000] [--duration 10]

gunicorn runs with PAGE_CACHE=0 and EDGE_CACHE=varnish, a django-tasks worker
(`db_worker --interval 0.1`) runs the purge tasks, and the correction is saved
through `articles.services.article_correct`, as the admin does. Targets: an
article hit ≥ 80% of nginx static (paired rounds), and the correction visible
within 1 s of its commit while an unrelated cached page keeps its hit.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import time

from tests.benchmarks.bench_pages import (
    GUNICORN,
    PY,
    REPO,
    WORK,
    discover,
    ensure_corpus,
    ensure_database,
    gunicorn_argv,
    has_command,
    our_env,
    paired,
    recreate_database,
    run,
)
from tests.benchmarks.common import say
from tests.benchmarks.pages.procs import BenchError, Server, ensure_tools, fetch, free_port, nginx

VCL_DIR = REPO / "deploy" / "varnish"


def prepare(count: int, env: dict) -> None:
    name = env["DATABASE_URL"].rsplit("/", 1)[1]
    stamp = WORK / f"edge-loaded-{count}"
    ensure_database(name)
    if not stamp.exists():
        say(f"loading {count} articles into {name}")
        recreate_database(name)
        run([PY, "manage.py", "migrate", "--noinput", "-v0"], env=env)
        run([PY, "manage.py", "import_articles", ensure_corpus(count)], env=env)
        if has_command(env, "recompute_related"):
            run([PY, "manage.py", "recompute_related", "--all"], env=env)
        run([PY, "manage.py", "db_worker", "--batch", "--interval", "0", "--queue-name", "*"],
            env=env)  # fmt: skip
        stamp.write_text("loaded")
    run([PY, "manage.py", "migrate", "--noinput", "-v0"], env=env)
    run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], env=env)


def varnish(workdir, backend_port: int) -> Server:
    workdir.mkdir(parents=True, exist_ok=True)
    origin = (VCL_DIR / "origin.vcl").read_text().replace('"8000"', f'"{backend_port}"')
    (workdir / "origin.vcl").write_text(origin)
    port = free_port()
    argv = [
        shutil.which("varnishd") or "/usr/sbin/varnishd",
        "-F",
        "-j",
        "none",
        "-n",
        str(workdir / "state"),
        "-a",
        f"127.0.0.1:{port}",
        "-f",
        str(VCL_DIR / "default.vcl"),
        "-p",
        f"vcl_path={workdir}:{VCL_DIR}",
        "-s",
        "malloc,256m",
    ]
    return Server("varnish", argv, port=port, log=workdir / "varnishd.log")


def correction_visibility(edge: Server, env: dict, discovered: dict) -> dict:
    """Seconds from the correction's commit until Varnish serves it; the other page's hit."""
    pk, url = discovered["article_pk"], edge.base + discovered["urls"]["article"]
    # The oldest page of the biggest section does not show the newest article.
    last = f"section p.{discovered['last_page']}"
    other = edge.base + discovered["urls"].get(last, discovered["urls"]["section p.1"])
    for page in (url, other):
        fetch(page)
    before_other = fetch(other)[1]
    note = f"Correzione di prova {int(time.time())}"
    code = (
        "import time; from articles import services; from articles.models import Article; "
        f"services.article_correct(article=Article.objects.get(pk={pk}), by=None, note={note!r}); "
        "print(time.time())"
    )
    shell = subprocess.Popen(
        [PY, "manage.py", "shell", "-c", code], env=env, cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    seen = None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if note.encode() in fetch(url)[2]:
            seen = time.time()
            break
        time.sleep(0.02)
    committed = float(shell.communicate(timeout=60)[0].strip().splitlines()[-1])
    after_other = fetch(other)[1]
    return {
        "seconds": None if seen is None else round(seen - committed, 3),
        "other_before": {k: before_other.get(k) for k in ("X-Cache", "Age")},
        "other_after": {k: after_other.get(k) for k in ("X-Cache", "Age")},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 2)))
    args = parser.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    ensure_tools()
    if not shutil.which("varnishd") and not os.path.exists("/usr/sbin/varnishd"):
        raise BenchError("varnishd missing: apt-get install -y varnish varnish-modules")
    env = our_env(args.articles, page_cache=False, prefix=f"s33edge{os.getpid()}")
    env["DATABASE_URL"] = env["DATABASE_URL"].replace("sanita33_bench_", "sanita33_bench_edge_")
    prepare(args.articles, env)
    discovered = discover(env)
    html_root = WORK / "edge-html"
    html_root.mkdir(exist_ok=True)
    results: dict = {"articles": args.articles, "urls": discovered["urls"]}
    with contextlib.ExitStack() as servers:
        app_port = free_port()
        edge = servers.enter_context(varnish(WORK / "varnish", app_port))
        edge_env = {
            **env,
            "EDGE_CACHE": "varnish",
            "EDGE_CACHE_URLS": f"http://127.0.0.1:{edge.port}",
        }
        servers.enter_context(
            Server(
                "ours-behind-varnish",
                gunicorn_argv(GUNICORN, None, app_port, args.workers),
                port=app_port,
                env=edge_env,
                cwd=REPO,
                log=WORK / "ours-behind-varnish.log",
            )
        ).wait("/healthz")
        servers.enter_context(
            Server(
                "purge-worker",
                [PY, "manage.py", "db_worker", "--interval", "0.1", "--queue-name", "*"],
                port=0,
                env=edge_env,
                cwd=REPO,
                log=WORK / "purge-worker.log",
            )
        )
        deadline = time.monotonic() + 30
        article = discovered["urls"]["article"]
        while fetch(edge.base + article)[0] != 200:
            if time.monotonic() > deadline:
                raise BenchError("Varnish never served the article page")
            time.sleep(0.2)
        status, headers, body = fetch(edge.base + article)
        if headers.get("X-Cache") != "HIT":
            raise BenchError(f"the article page is not a Varnish hit: {headers}")
        (html_root / "article.html").write_bytes(body)
        static = servers.enter_context(
            nginx("nginx-static-edge", "static.conf.tmpl", WORK, html_root=html_root)
        ).wait("/article.html")
        say("paired rounds: Varnish hit vs nginx static file, alternately; best kept")
        hit, flat = paired((edge, article), (static, "/article.html"), args)
        results["varnish_rps"], results["static_rps"] = round(hit.rps), round(flat.rps)
        results["varnish_p99_ms"], results["static_p99_ms"] = hit.p99_ms, flat.p99_ms
        results["ratio"] = round(hit.rps / flat.rps, 3)
        results["correction"] = correction_visibility(edge, edge_env, discovered)
    (WORK / f"edge-results-{args.articles}.json").write_text(json.dumps(results, indent=2))
    ok_ratio = results["ratio"] >= 0.8
    seconds = results["correction"]["seconds"]
    ok_fresh = seconds is not None and seconds <= 1.0
    other = results["correction"]["other_after"]
    say(
        f"Varnish article hit {results['varnish_rps']} req/s (p99 {hit.p99_ms} ms), "
        f"nginx static {results['static_rps']} req/s (p99 {flat.p99_ms} ms): "
        f"{results['ratio']:.0%} {'PASS' if ok_ratio else 'FAIL'} (target ≥ 80%)"
    )
    say(
        f"correction visible through Varnish {seconds} s after its commit "
        f"{'PASS' if ok_fresh else 'FAIL'} (target ≤ 1 s); unrelated page after: {other}"
    )
    return 0 if ok_ratio and ok_fresh and other.get("X-Cache") == "HIT" else 1


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
