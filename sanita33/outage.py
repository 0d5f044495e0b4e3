"""Surviving a database or cache outage: a 503 page, and logs that do not flood.

While PostgreSQL is unreachable every page answers 503 with Retry-After and a
static Italian page (templates/503.html, which needs no database), instead of
a 500 and a traceback per request. Connections recover by themselves once it
is back (CONN_HEALTH_CHECKS, sanita33/env.py). The outage is logged once when
it starts, then at most once a minute, and once when it ends.
"""

from __future__ import annotations

import logging
import sys
import threading
import time

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

# Connection refused or lost, server shutting down or starting up, a cancelled
# or deadlocked statement: all transient, all worth retrying shortly.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10


class Outage:
    """One dependency's state in this process: log transitions, not every failure.

    `failed()` after each failed call, `recovered()` after a successful one.
    Once failed, `is_down()` stays true for `retry_after` seconds, so callers
    can skip a dead server instead of waiting for it on every call.
    """

    def __init__(self, name: str, logger: logging.Logger, *, retry_after=1.0, report_every=60.0):
        self.name = name
        self.logger = logger
        self.retry_after = retry_after
        self.report_every = report_every
        self.lock = threading.Lock()
        self.down_since: float | None = None
        self.retry_at = 0.0
        self.reported_at = 0.0
        self.failures = 0

    def is_down(self) -> bool:
        return self.down_since is not None and time.monotonic() < self.retry_at

    def failed(self, error: BaseException) -> None:
        now = time.monotonic()
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        with self.lock:
            self.retry_at = now + self.retry_after
            self.failures += 1
            if self.down_since is None:
                self.down_since = self.reported_at = now
                self.failures = 0
                self.logger.warning("%s unavailable: %s", self.name, reason)
            elif now - self.reported_at >= self.report_every:
                self.logger.warning(
                    "%s still unavailable after %d s (%d failures since last report): %s",
                    self.name,
                    now - self.down_since,
                    self.failures,
                    reason,
                )
                self.reported_at, self.failures = now, 0

    def recovered(self) -> None:
        if self.down_since is None:  # the usual case: no lock taken
            return
        with self.lock:
            if self.down_since is not None:
                self.logger.warning(
                    "%s available again after %.1f s",
                    self.name,
                    time.monotonic() - self.down_since,
                )
                self.down_since = None


database_outage = Outage("database", logging.getLogger("sanita33.outage"))


def unavailable_response() -> HttpResponse:
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _connection_lost() -> bool:
    """Whether the default database connection is gone (not merely a failed statement)."""
    raw = connection.connection
    return raw is None or getattr(raw, "closed", True)


def server_error(request, template_name="500.html"):
    """handler500: a database that cannot be reached answers 503, a bug still 500.

    Installed as handler500 rather than as a middleware so that errors raised
    anywhere (views, templates, middleware such as the session save) are
    covered. A lost connection is an outage, reported by `database_outage`;
    other transient errors (a deadlock, a cancelled statement) also answer
    503 but keep Django's usual error log with the traceback.
    """
    error = sys.exc_info()[1]
    if not isinstance(error, DATABASE_UNAVAILABLE):
        return defaults.server_error(request, template_name)
    response = unavailable_response()
    if _connection_lost():
        database_outage.failed(error)
        # Django would log an ERROR and a traceback per request; the outage
        # reports stand for them (ReportedOutageFilter drops Django's line).
        request.database_outage_reported = True
    return response


class ReportedOutageFilter(logging.Filter):
    """On the `django.request` logger: drops the error line of a request whose
    failure the database outage already reports (see server_error)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        return not getattr(request, "database_outage_reported", False)


def database_connected(sender, **kwargs) -> None:
    """connection_created receiver: a new connection ends an outage."""
    database_outage.recovered()
