"""CPU time and queries of one reserved-body fragment, in process, immune to wrk's noise.

Calls Django's WSGI handler directly (the full production middleware stack, no
test client instrumentation) for `--requests` fragment requests of 200 verified
readers on 200 reserved articles of bench_reserved's database, after a warm-up,
and prints the process CPU milliseconds and the queries per request. Under
`valgrind --tool=callgrind`, run it twice (`--requests 0` and N) and divide the
difference of the instruction counts by N: a figure no other load on the machine
changes.

    python -m tests.benchmarks.cpu_reserved --articles 10000 --accounts 10000
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time

from tests.benchmarks.bench_reserved import environment


def wsgi_environ(path: str, cookie: str) -> dict:
    path, _, query = path.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_COOKIE": f"sessionid={cookie}",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=400)
    parser.add_argument("--profile", help="write cProfile statistics to this file")
    args = parser.parse_args(argv)
    database = f"sanita33_bench_reserved_{args.articles}_{args.accounts}"
    os.environ.update(environment(database))
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection, reset_queries

    from articles.models import Article
    from tests.benchmarks.bench_reserved import sessions

    random.seed(18)
    reserved = list(
        Article.objects.filter(audience=Article.Audience.PROFESSIONALS)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    paths = [f"/account/profilo/riservato/{pk}/?frammento=1" for pk in random.sample(reserved, 200)]
    cookies = sessions(200)
    handler = WSGIHandler()

    status = [""]

    def start_response(line: str, headers: list) -> None:
        status[0] = line

    def run(count: int, offset: int = 0) -> None:
        for n in range(offset, offset + count):
            environ = wsgi_environ(paths[n % len(paths)], cookies[(n * 7) % len(cookies)])
            result = handler(environ, start_response)
            body = b"".join(result)
            result.close()
            if not status[0].startswith("200") or b"Il testo riservato" not in body:
                raise SystemExit(f"request {n}: {status[0]}, the reader did not get the body")

    run(args.warmup)
    connection.force_debug_cursor = True
    reset_queries()
    run(1, args.warmup)
    queries = [q["sql"] for q in connection.queries]
    connection.force_debug_cursor = False
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
    cpu, wall = time.process_time(), time.perf_counter()
    run(args.requests, args.warmup + 1)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(args.profile)
    per = max(args.requests, 1)
    print(
        f"{args.requests} fragment requests: {cpu / per * 1000:.2f} ms CPU, "
        f"{wall / per * 1000:.2f} ms wall per request; {len(queries)} queries per request"
    )
    for sql in queries:
        print(f"  {sql[:150]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
