"""Newsletter sending throughput: N confirmed subscribers, a personalised edition,
two db_worker processes, a local aiosmtpd sink.

    python -m tests.benchmarks.bench_newsletter [--subscribers 100000] [--workers 2]

Runs on this machine over loopback: PostgreSQL on 127.0.0.1:5432 (database
sanita33_bench_newsletter, recreated each run), an aiosmtpd sink in its own
process, workers started as in production (`manage.py db_worker --queue-name '*'`).
Prints messages per second (first hand-off to the edition marked sent), the
peak resident memory of each worker, and checks that every recipient got
exactly one copy. Targets: at least 300 messages/s, each worker under 300 MB.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

from tests.benchmarks.common import psql, say

REPO = Path(__file__).resolve().parents[2]
PY = REPO / ".venv" / "bin" / "python"
DB = "sanita33_bench_newsletter"
PG = "postgres://postgres@127.0.0.1:5432"
TARGET_RATE = 300
TARGET_RSS_MB = 300


def sink_process(port: int, counter, ready, stop, out_path: str) -> None:
    """SMTP server counting recipients; writes every recipient to a file at the end."""
    import asyncio  # noqa: F401 - aiosmtpd needs the loop machinery imported

    from aiosmtpd.controller import Controller

    recipients: list[str] = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            recipients.extend(envelope.rcpt_tos)
            with counter.get_lock():
                counter.value += 1
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()
    Path(out_path).write_text("\n".join(recipients))


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (load-independent cost)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load(subscribers: int) -> int:
    """Sections, articles, a personalised edition and the subscribers; returns its id."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from articles.models import Section
    from newsletter.models import Edition, EditionArticle, Subscriber
    from tests.factories import ArticleFactory, SectionFactory

    sections = [SectionFactory(name=f"Sezione {n}", slug=f"sezione-{n}") for n in range(8)]
    edition = Edition.objects.create(
        subject="La settimana della sanità",
        preheader="Le notizie scelte per te",
        intro="<p>Buongiorno, ecco le notizie della settimana.</p>",
        personalised=True,
    )
    # Sections 6 and 7 get no article: their followers are skipped, as in real life.
    for position in range(12):
        article = ArticleFactory(section=sections[position % 6], priority=position)
        EditionArticle.objects.create(edition=edition, article=article, position=position)
    sub_table = Subscriber._meta.db_table
    topics_table = Subscriber.topics.through._meta.db_table
    section_ids = [s.pk for s in Section.objects.order_by("pk")]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {sub_table} (email, key, status, paused, all_topics, created_at,
                confirmed_at, hard_bounces, last_bounce)
            SELECT 'lettore' || n || '@example.org', gen_random_uuid(), 'confirmed', false,
                   n %% 3 = 0, now(), now(), 0, ''
            FROM generate_series(1, %s) AS n
            """,
            [subscribers],
        )
        # Everyone not on "all topics" follows one to three sections.
        cursor.execute(
            f"""
            INSERT INTO {topics_table} (subscriber_id, section_id)
            SELECT DISTINCT s.id, (%s::bigint[])[1 + ((s.id * k * 7919) %% %s)]
            FROM {sub_table} s, generate_series(1, 1 + (s.id %% 3)::int) AS k
            WHERE NOT s.all_topics
            """,
            [section_ids, len(section_ids)],
        )
        cursor.execute(f"ANALYZE {sub_table}; ANALYZE {topics_table}")
    return edition.pk


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--fan-out", type=int, default=8)
    args, _ = parser.parse_known_args(argv)

    psql(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{DB}"')
    env = {k: v for k, v in os.environ.items() if k not in {"PAGE_CACHE", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="sanita33.settings",
        DATABASE_URL=f"{PG}/{DB}",
        SECRET_KEY="benchmark-secret-key-not-for-production-0123456789",
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL="https://www.sanita33.it",
        NEWSLETTER_BATCH_SIZE=str(args.batch_size),
        NEWSLETTER_FAN_OUT=str(args.fan_out),
        PYTHONPATH=str(REPO),
        LOG_LEVEL="WARNING",
    )
    os.environ.update(env)

    say(f"loading {args.subscribers} confirmed subscribers and a personalised edition")
    edition_id = load(args.subscribers)

    port = free_port()
    counter = multiprocessing.Value("q", 0)
    ready, stop = multiprocessing.Event(), multiprocessing.Event()
    out_path = REPO / "var" / "bench" / "newsletter-recipients.txt"
    out_path.parent.mkdir(parents=True, exist_ok=True)
    sink = multiprocessing.get_context("fork").Process(
        target=sink_process, args=(port, counter, ready, stop, str(out_path))
    )
    sink.start()
    ready.wait(10)
    worker_env = {**env, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port)}

    from newsletter import services
    from newsletter.models import Delivery, Edition

    say(f"starting {args.workers} workers; sending")
    workers = [
        subprocess.Popen(
            [
                PY,
                "manage.py",
                "db_worker",
                "--queue-name",
                "*",
                "--interval",
                "0.1",
                "--no-startup-delay",
                "--no-reload",
                "--verbosity",
                "0",
            ],
            cwd=REPO,
            env=worker_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(args.workers)
    ]
    peak = [0.0] * len(workers)
    try:
        t0 = time.monotonic()
        services.edition_send_now(edition=Edition.objects.get(pk=edition_id))
        enqueued = time.monotonic() - t0
        first = None
        while Edition.objects.filter(pk=edition_id).values_list("status", flat=True)[0] != "sent":
            for index, worker in enumerate(workers):
                peak[index] = max(peak[index], rss_mb(worker.pid))
                if worker.poll() is not None:
                    raise SystemExit(f"worker died: {worker.stderr.read()[-2000:]}")
            if first is None and counter.value:
                first = time.monotonic()
            if time.monotonic() - t0 > 3600:
                raise SystemExit("edition not sent within an hour")
            time.sleep(0.25)
        elapsed = time.monotonic() - t0
        worker_cpu = sum(cpu_seconds(worker.pid) for worker in workers)
        sink_cpu = cpu_seconds(sink.pid)
        load_average = os.getloadavg()[0]
        for index, worker in enumerate(workers):
            peak[index] = max(peak[index], rss_mb(worker.pid))
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(30)
        stop.set()
        sink.join(30)

    counts = Delivery.objects.filter(edition_id=edition_id).counts()
    recipients = out_path.read_text().split("\n") if out_path.stat().st_size else []
    duplicates = len(recipients) - len(set(recipients))
    rate = counts["sent"] / elapsed
    result = {
        "subscribers": args.subscribers,
        "workers": args.workers,
        "sent": counts["sent"],
        "skipped_no_topic": counts["skipped"],
        "failed": counts["failed"],
        "received_at_sink": len(recipients),
        "duplicates_at_sink": duplicates,
        "fan_out_and_insert_s": round(enqueued, 2),
        "elapsed_s": round(elapsed, 1),
        "messages_per_s": round(rate, 1),
        "worker_peak_rss_mb": [round(mb, 1) for mb in peak],
        "worker_cpu_ms_per_message": round(worker_cpu * 1000 / max(counts["sent"], 1), 2),
        "sink_cpu_ms_per_message": round(sink_cpu * 1000 / max(counts["sent"], 1), 2),
        "load_average_1m_at_end": round(load_average, 1),
        "cpus": os.cpu_count(),
    }
    (REPO / "var" / "bench" / f"newsletter-{args.subscribers}.json").write_text(
        json.dumps(result, indent=2)
    )
    print()
    print(f"{'subscribers':<28}{args.subscribers:>12}")
    outcome = f"{counts['sent']} / {counts['skipped']} / {counts['failed']}"
    print(f"{'sent / skipped / failed':<28}{outcome:>12}")
    print(f"{'received at the sink':<28}{len(recipients):>12}  duplicates: {duplicates}")
    print(f"{'elapsed (start → sent)':<28}{elapsed:>10.1f} s")
    print(f"{'messages per second':<28}{rate:>12.1f}  (target ≥ {TARGET_RATE})")
    print(f"{'worker CPU per message':<28}{result['worker_cpu_ms_per_message']:>9.2f} ms")
    print(f"{'sink CPU per message':<28}{result['sink_cpu_ms_per_message']:>9.2f} ms")
    print(f"{'load average (1 min)':<28}{load_average:>12.1f}  on {os.cpu_count()} CPUs")
    for index, mb in enumerate(peak):
        print(f"{f'worker {index + 1} peak RSS':<28}{mb:>9.1f} MB  (target < {TARGET_RSS_MB})")
    ok = (
        duplicates == 0
        and len(recipients) == counts["sent"]
        and counts["pending"] + counts["claimed"] == 0
    )
    if not ok:
        print("FAILED: deliveries and the sink disagree", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
