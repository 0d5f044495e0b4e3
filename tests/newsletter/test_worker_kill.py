"""A real db_worker process killed with SIGKILL mid-edition loses and doubles nothing."""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings as django_settings
from django_tasks_db.models import DBTaskResult

from newsletter import services
from newsletter.models import Delivery, Edition
from tests.newsletter.conftest import make_subscribers

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

DB_TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "newsletter"],
    }
}


def start_worker(env) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--queue-name",
            "*",
            "--interval",
            "0.1",
            "--no-startup-delay",
        ],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_worker_killed_mid_edition_then_restarted_sends_each_subscriber_one_copy(
    settings, child_env, smtp_sink
):
    settings.TASKS = DB_TASKS
    total = 60
    make_subscribers(total)
    env = {
        **child_env,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_sink.port),
        "EMAIL_TIMEOUT": "1",
        "NEWSLETTER_BATCH_SIZE": "10",
        "NEWSLETTER_FAN_OUT": "3",
        "NEWSLETTER_LEASE_SECONDS": "3",
        # One SMTP session at a time: with several, the kill could land inside another
        # session's hand-off window (the documented one), making the count a matter of luck.
        "NEWSLETTER_THREADS": "1",
        "SITE_URL": "https://www.sanita33.it",
    }
    first = {}

    def kill_during_the_21st_message(recipient):
        # The worker dies while the SMTP server holds a message: it never sees the reply.
        if len(smtp_sink.messages) == 20 and "worker" in first:
            first["victim"] = recipient
            os.kill(first.pop("worker").pid, signal.SIGKILL)
            return "451 4.3.0 Try again later"
        return None

    smtp_sink.on_data = kill_during_the_21st_message
    edition = Edition.objects.create(subject="Resiste ai crash")
    services.edition_send_now(edition=edition)

    worker = start_worker(env)
    first["worker"] = worker
    try:
        assert wait_until(lambda: worker.poll() is not None, 60), "the worker was never killed"
        assert worker.returncode == -signal.SIGKILL
        in_flight = Delivery.objects.filter(edition=edition, status="claimed")
        assert in_flight.filter(subscriber__email=first["victim"]).exists()
        assert len(smtp_sink.messages) == 20

        replacement = start_worker(env)
        try:
            assert wait_until(lambda: Edition.objects.get(pk=edition.pk).status == "sent", 60), (
                replacement.stderr
            )
        finally:
            replacement.terminate()
            replacement.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()

    recipients = smtp_sink.recipients()
    assert len(recipients) == total
    assert sorted(recipients) == sorted(f"lettore{n}@example.org" for n in range(total))
    assert Delivery.objects.filter(edition=edition, status="sent").count() == total
    # Lanes end with the edition: the guards still queued (one lease away) run as
    # no-ops and queue nothing more, so the queue drains.
    replacement = start_worker(env)
    try:
        assert wait_until(
            lambda: (
                not DBTaskResult.objects.filter(
                    task_path="newsletter.tasks.deliver_edition", status="READY"
                ).exists()
            ),
            30,
        )
    finally:
        replacement.terminate()
        replacement.wait(10)
