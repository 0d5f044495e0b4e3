"""PostgreSQL stopped and started under the site: 503 while it is away, 200 once it is back.

The site runs in gunicorn on a throwaway PostgreSQL cluster (never the
machine's), with the production settings: persistent connections
(CONN_MAX_AGE) that are health-checked before reuse (CONN_HEALTH_CHECKS).
"""

from __future__ import annotations

import logging
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

import psycopg
import pytest
from django.db import connection

from articles.models import Publisher
from tests.conftest import database_url_for
from tests.factories import ArticleFactory, SectionFactory
from tests.faults.conftest import gunicorn, worker_pids

pytestmark = pytest.mark.slow
logger = logging.getLogger(__name__)

UNAVAILABLE_TEXT = "Servizio momentaneamente non disponibile"


@dataclass
class Answer:
    started: float
    finished: float
    path: str
    status: int  # 0: no HTTP answer at all (connection refused or reset)
    retry_after: str | None
    body: str


def fetch(url: str) -> tuple[int, str | None, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers.get("Retry-After"), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Retry-After"), error.read().decode()
    except OSError as error:
        return 0, None, repr(error)


class Readers:
    """Threads requesting reader pages in a loop, each answer recorded with its times."""

    def __init__(self, base: str, paths: list[str], threads: int):
        self.base, self.paths = base, paths
        self.answers: list[Answer] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.read, args=(n,)) for n in range(threads)]

    def read(self, n: int) -> None:
        turn = n
        while not self.stopping.is_set():
            path = self.paths[turn % len(self.paths)]
            turn += 1
            started = time.monotonic()
            status, retry_after, body = fetch(self.base + path)
            answer = Answer(started, time.monotonic(), path, status, retry_after, body)
            with self.lock:
                self.answers.append(answer)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def between(self, start: float, end: float) -> list[Answer]:
        """Answers to requests sent after `start` and answered before `end`."""
        with self.lock:
            return [a for a in self.answers if a.started >= start and a.finished <= end]

    def wait_for(self, count: int, since: float, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while len(self.between(since, float("inf"))) < count:
            assert time.monotonic() < deadline, f"fewer than {count} answers in {timeout} s"
            time.sleep(0.02)


@pytest.fixture
def site_on_throwaway_postgres(throwaway_postgres, server_env, tmp_path):
    """A little newsroom copied into the throwaway cluster; its URLs for readers."""
    section = SectionFactory(slug="cardiologia", name="Cardiologia")
    articles = [ArticleFactory(section=section, title=f"Ipertensione {n}") for n in range(3)]
    Publisher.load()
    throwaway_postgres.copy_database(database_url_for(connection))
    env = {**server_env, "DATABASE_URL": throwaway_postgres.url}
    paths = ["/", "/cardiologia/", *(a.get_absolute_url() for a in articles)]
    return throwaway_postgres, env, paths


def server_backends(postgres) -> list[tuple[int, float]]:
    """(pid, start time) of every client connection to the site's database but ours."""
    with psycopg.connect(postgres.url.replace("postgres://", "postgresql://")) as db:
        rows = db.execute(
            "SELECT pid, extract(epoch FROM backend_start) FROM pg_stat_activity"
            " WHERE datname = 'sanita33' AND backend_type = 'client backend'"
            " AND pid <> pg_backend_pid() ORDER BY pid"
        ).fetchall()
    return [(pid, float(start)) for pid, start in rows]


def test_pages_answer_503_while_postgresql_is_down_and_200_as_soon_as_it_is_back(
    site_on_throwaway_postgres, tmp_path
):
    postgres, env, paths = site_on_throwaway_postgres
    log = tmp_path / "gunicorn.log"
    with gunicorn(env, workers=2, log=log) as (base, master):
        workers = worker_pids(master.pid)
        with Readers(base, paths, threads=6) as readers:
            readers.wait_for(30, since=0)
            stopped_at = time.monotonic()
            postgres.stop("fast")
            down_from = time.monotonic()
            readers.wait_for(40, since=down_from)
            down_until = time.monotonic()
            postgres.start()
            up_from = time.monotonic()
            readers.wait_for(40, since=up_from)
            before = readers.between(0, stopped_at)
            while_down = readers.between(down_from, down_until)
            after = readers.between(up_from, float("inf"))
            answers = list(readers.answers)

        assert worker_pids(master.pid) == workers, "a gunicorn worker was restarted"
        assert master.poll() is None

    assert {a.status for a in before} == {200}
    # While PostgreSQL is down every page says so, in Italian, with a hint to retry.
    assert len(while_down) >= 40
    assert {a.status for a in while_down} == {503}
    assert all(UNAVAILABLE_TEXT in a.body and a.retry_after for a in while_down)
    assert not any("Traceback" in a.body for a in answers)
    # Every request sent once it accepts connections again is served: no restart needed.
    assert {a.status for a in after} == {200}
    # Requests that straddled the stop or the start got one answer or the other.
    assert {a.status for a in answers} == {200, 503}
    output = log.read_text()
    assert "Traceback" not in output
    assert "database unavailable" in output
    assert "database available again" in output
    # Figures for the README (pytest -o log_cli=true --log-cli-level=INFO shows them).
    logger.info(
        "%d answers; %d × 503 in %.1f s while down; first 200 %.2f s after the start",
        len(answers),
        len(while_down),
        down_until - down_from,
        min(a.finished for a in after) - up_from,
    )


def test_a_restart_between_requests_costs_no_reader_an_error(site_on_throwaway_postgres, tmp_path):
    """An idle worker's kept connection dies with the restart; the health check replaces it."""
    postgres, env, paths = site_on_throwaway_postgres
    with gunicorn(env, workers=1, log=tmp_path / "gunicorn.log") as (base, master):
        workers = worker_pids(master.pid)
        assert [fetch(base + path)[0] for path in paths] == [200] * len(paths)
        kept = server_backends(postgres)
        assert len(kept) == 1, "one worker, one persistent connection (CONN_MAX_AGE)"

        postgres.stop("fast")
        postgres.start()
        statuses = [fetch(base + path)[0] for path in paths * 2]

        assert statuses == [200] * len(statuses)
        renewed = server_backends(postgres)
        assert len(renewed) == 1 and renewed != kept
        assert worker_pids(master.pid) == workers
