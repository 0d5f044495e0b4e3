"""A verified professional reads a reserved article: the one private origin request.

The public page comes from the edge like any other; what reaches gunicorn per reader
is the body fragment `/account/profilo/riservato/<id>/?frammento=1` with the reader's
session. Target (issue 18): p99 < 50 ms with 100,000 articles and 100,000 accounts.

    python -m tests.benchmarks.bench_reserved --articles 100000 --accounts 100000
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from tests.benchmarks.common import say
from tests.benchmarks.pages.procs import Server, free_port

REPO = Path(__file__).resolve().parents[2]
WORK = REPO / "var" / "bench"
PY = REPO / ".venv" / "bin" / "python"
GUNICORN = REPO / ".venv" / "bin" / "gunicorn"
PG = "postgres://postgres@127.0.0.1:5432"
BODY = "<p>" + " ".join(["Il testo riservato con dosaggi, interazioni e avvertenze."] * 40) + "</p>"


def environment(database: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"PAGE_CACHE", "DATABASE_REPLICA_URLS"}}
    env.update(
        DJANGO_SETTINGS_MODULE="sanita33.settings",
        DATABASE_URL=f"{PG}/{database}",
        SECRET_KEY="benchmark-secret-key-not-for-production-0123456789",
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SITE_URL="http://127.0.0.1:8000",
        STATIC_ROOT=str(WORK / "staticfiles"),
        VAR_DIR=str(WORK / "var"),
        PYTHONPATH=str(REPO),
        LOG_LEVEL="WARNING",
    )
    return env


def psql(sql: str) -> str:
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAqc", sql],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def populate(articles: int, accounts: int) -> None:
    """Bulk rows (no per-row save): articles, one in ten reserved; verified readers."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.utils import timezone

    from articles.models import Article, Section
    from readers.models import ProfessionalProfile
    from readers.professions import Profession

    now = timezone.now()
    section = Section.objects.create(name="Farmaci", slug="farmaci")
    batch = 5000
    for start in range(0, articles, batch):
        Article.objects.bulk_create(
            [
                Article(
                    title=f"Indicazioni sul farmaco numero {i}",
                    slug=f"indicazioni-farmaco-{i}",
                    standfirst="Cosa cambia per chi prescrive e per chi dispensa.",
                    body=BODY,
                    section=section,
                    status=Article.Status.PUBLISHED,
                    publish_at=now - timedelta(minutes=i),
                    first_published_at=now - timedelta(minutes=i),
                    audience=(
                        Article.Audience.PROFESSIONALS if i % 10 == 0 else Article.Audience.PUBLIC
                    ),
                )
                for i in range(start, min(start + batch, articles))
            ],
            batch_size=1000,
        )
    say(f"{articles} articles written")
    password = make_password("password-di-benchmark")
    professions = [p.value for p in Profession]
    User = get_user_model()
    for start in range(0, accounts, batch):
        users = User.objects.bulk_create(
            User(username=f"lettore{i}", email=f"lettore{i}@example.org", password=password)
            for i in range(start, min(start + batch, accounts))
        )
        ProfessionalProfile.objects.bulk_create(
            [
                ProfessionalProfile(
                    user=user,
                    first_name="Anna",
                    last_name=f"Rossi{user.pk}",
                    profession=professions[user.pk % len(professions)],
                    province="MI",
                    registration_number=str(user.pk),
                    self_declaration=True,
                    state=ProfessionalProfile.State.VERIFIED,
                    decided_at=now,
                    verified_until=now + timedelta(days=365),
                )
                for user in users
            ],
            batch_size=1000,
        )
    say(f"{accounts} verified accounts written")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def sessions(count: int) -> list[str]:
    """Session cookies of `count` verified readers, as a browser would hold them."""
    from allauth.account.auth_backends import AuthenticationBackend
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils.module_loading import import_string

    # Signed in through django-allauth's backend, as readers are (allauth's adapter
    # prefers it), not the first backend of the list.
    backend = next(
        path
        for path in settings.AUTHENTICATION_BACKENDS
        if issubclass(import_string(path), AuthenticationBackend)
    )
    cookies = []
    users = get_user_model().objects.filter(username__startswith="lettore").order_by("?")
    for user in users[:count]:
        client = Client()
        client.force_login(user, backend=backend)
        cookies.append(client.cookies["sessionid"].value)
    return cookies


def fragment_queries(cookie: str, path: str) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.cookies["sessionid"] = cookie
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    if "Il testo riservato" not in response.content.decode():
        raise SystemExit(f"{path}: the verified reader did not receive the body")
    return len(queries)


def milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


LUA = """
local cookies = {%(cookies)s}
local paths = {%(paths)s}
local n = 0
request = function()
  n = n + 1
  local cookie = "sessionid=" .. cookies[(n %% #cookies) + 1]
  return wrk.format("GET", paths[(n %% #paths) + 1], {["Cookie"] = cookie})
end
"""


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--reload", action="store_true", help="rebuild the database")
    args, _unknown = parser.parse_known_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    database = f"sanita33_bench_reserved_{args.articles}_{args.accounts}"
    env = environment(database)
    os.environ.update(env)
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}'") == "1"
    if args.reload or not exists:
        psql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        psql(f'CREATE DATABASE "{database}"')
        subprocess.run([PY, "manage.py", "migrate", "-v0"], env=env, cwd=REPO, check=True)
        subprocess.run(
            [PY, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, cwd=REPO, check=True
        )
    import django

    django.setup()
    from articles.models import Article

    if args.reload or not exists:
        populate(args.articles, args.accounts)
    reserved = list(
        Article.objects.filter(audience=Article.Audience.PROFESSIONALS).values_list("pk", flat=True)
    )
    paths = [f"/account/profilo/riservato/{pk}/?frammento=1" for pk in random.sample(reserved, 200)]
    cookies = sessions(200)
    queries = fragment_queries(cookies[0], paths[0])
    script = WORK / "reserved.lua"
    script.write_text(
        LUA
        % {
            "cookies": ", ".join(f'"{c}"' for c in cookies),
            "paths": ", ".join(f'"{p}"' for p in paths),
        }
    )
    port = free_port()
    argv_gunicorn = [str(GUNICORN), "-c", str(REPO / "gunicorn.conf.py"),
                     "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers)]  # fmt: skip
    with Server("gunicorn", argv_gunicorn, port=port, env=env, cwd=REPO,
                log=WORK / "reserved-gunicorn.log").wait("/healthz") as server:  # fmt: skip
        warm = ["wrk", "-t2", "-c4", "-d3s", "-s", str(script), server.base]
        subprocess.run(warm, capture_output=True, check=True)
        out = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{args.connections}",
                f"-d{args.duration}s",
                "--latency",
                "-s",
                str(script),
                server.base,
            ],  # fmt: skip
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    value = milliseconds(p99)
    print(
        f"\nReserved body for verified readers, {args.articles:,} articles, "
        f"{args.accounts:,} accounts, {args.workers} workers, wrk {args.connections} "
        f"connections × {args.duration} s, 200 readers × 200 reserved articles\n"
        f"  {rps:.0f} req/s, p50 {p50}, p99 {p99}, {queries} queries per request, "
        f"non-2xx {errors.group(1) if errors else 0}\n"
        f"  p99 < 50 ms: {'MET' if value < 50 else 'NOT MET'}; origin requests per view: 1 "
        "(the page is the edge's cached public variant)"
    )
    return 0 if value < 50 and not errors else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
