"""Set up and serve the site locally: what `make run` calls.

Starts the embedded database when DATABASE_URL is unset, migrates, collects
static files, loads the demo newsroom into an empty database, makes sure a
local admin account exists, then runs gunicorn and a task worker side by side
until Ctrl-C, and stops everything it started.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = "Prepare the database and serve the site with a background worker."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))
        parser.add_argument("--no-demo", action="store_true", help="Do not load demo content.")
        parser.add_argument(
            "--setup-only", action="store_true", help="Prepare everything, then exit."
        )

    def handle(self, *args, bind, no_demo, setup_only, **options):
        try:
            connection.ensure_connection()
        except Exception as exc:
            raise CommandError(f"the database is unreachable: {exc}".splitlines()[0]) from exc
        self.stdout.write("Database ready; applying migrations…")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if not no_demo:
            self.load_demo_if_empty()
        self.ensure_admin(bind)
        if setup_only:
            return
        connection.close()
        self.serve(bind)

    def load_demo_if_empty(self):
        from articles.models import Article

        if "load_demo" in get_commands() and not Article.objects.exists():
            self.stdout.write("Empty database: loading the demo newsroom…")
            call_command("load_demo", verbosity=1)

    def ensure_admin(self, bind):
        credentials = settings.VAR_DIR / "admin-credentials.txt"
        User = get_user_model()
        admin_url = f"http://{bind}/{settings.ADMIN_PATH}"
        if credentials.exists() and User.objects.filter(username="admin").exists():
            self.stdout.write(f"Admin: {admin_url} (credentials in {credentials})")
            return
        password = secrets.token_urlsafe(12)
        user, _ = User.objects.get_or_create(
            username="admin", defaults={"email": "admin@localhost"}
        )
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        credentials.parent.mkdir(parents=True, exist_ok=True)
        credentials.write_text(f"username: admin\npassword: {password}\n")
        credentials.chmod(0o600)
        self.stdout.write(
            self.style.SUCCESS(
                f"Admin account created: {admin_url}  user: admin  password: {password}\n"
                f"(saved in {credentials}; it is printed only this once)"
            )
        )

    def serve(self, bind):
        python = sys.executable
        manage = str(settings.BASE_DIR / "manage.py")
        env = dict(os.environ)
        # Links in e-mails and previews must point where the site is served.
        env.setdefault("SITE_URL", f"http://{bind}")
        children = [
            subprocess.Popen(
                [python, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--bind", bind],
                cwd=settings.BASE_DIR,
                env=env,
            ),
            subprocess.Popen(
                [python, manage, "db_worker", "--queue-name", "*", "--interval", "1"],
                cwd=settings.BASE_DIR,
                env=env,
            ),
        ]
        self.stdout.write(
            self.style.SUCCESS(f"Serving on http://{bind}/ — Ctrl-C stops everything.")
        )

        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.3)
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        if settings.LOCAL_MODE:
            from sanita33 import database

            database.stop_if_unused()
        failed = [c.args[2] for c in children if c.returncode not in (0, -2, -15)]
        if failed and not stopping:
            raise CommandError(f"{failed[0]} exited unexpectedly; see the messages above")
        self.stdout.write("Stopped.")
