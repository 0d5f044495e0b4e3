"""One JSON object per log line (LOG_FORMAT=json), for the log collector.

Fields, in order: time, level, logger, request_id, message, then the record's
extra attributes (the request line adds method, path, status, duration_ms and
cache), then exc_info and stack_info when present. Every request logs a line,
so this is written for speed: python-json-logger's generic field mapping cost
more worker CPU than the rest of a page-cache hit.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import threading
import time
import weakref

# The attributes every LogRecord has (taskName too, from Python 3.12), plus the
# ones formatters add: whatever else a record carries came from `extra`.
STANDARD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "asctime",
    "message",
    "request_id",
}


def _default(value: object) -> str:
    """Values json cannot encode: dates in ISO 8601, anything else as its str()."""
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    try:
        return str(value)
    except Exception:
        return f"<unprintable {type(value).__name__}>"


class JsonFormatter(logging.Formatter):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._encode = json.JSONEncoder(default=_default).encode
        self._second: tuple[int, str] = (-1, "")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return self.timestamp(record.created, datefmt)

    def timestamp(self, created: float, datefmt: str | None = None) -> str:
        """The stdlib's time format, with its seconds part made once a second."""
        if datefmt:
            return time.strftime(datefmt, self.converter(created))
        second, stamp = self._second
        if int(created) != second:
            stamp = time.strftime(self.default_time_format, self.converter(created))
            self._second = (int(created), stamp)
        return self.default_msec_format % (stamp, (created - int(created)) * 1000)

    def format(self, record: logging.LogRecord) -> str:
        fields = {
            "time": self.timestamp(record.created, self.datefmt),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", None),
            "message": record.getMessage(),
        }
        for name, value in vars(record).items():
            if name not in STANDARD_ATTRIBUTES and not name.startswith("_"):
                fields[name] = value
        if record.exc_info:
            fields["exc_info"] = self.formatException(record.exc_info)
        elif record.exc_text:
            fields["exc_info"] = record.exc_text
        if record.stack_info:
            fields["stack_info"] = self.formatStack(record.stack_info)
        return self._encode(fields)


class ConsoleHandler(logging.StreamHandler):
    """The console handler; request lines may wait up to `flush_ms` to be written.

    Every request writes a line, and on a page-cache hit the write(2) of its
    own was a tenth of the worker's CPU. Like nginx's `access_log … buffer=
    flush=`, request lines (`write_line`, from sanita33/requestlog.py) are
    gathered and written together: when the oldest has waited `flush_ms`, by
    a timer thread when the process goes quiet, before any other record (so
    lines stay in order), and at exit (logging.shutdown flushes handlers). A
    worker killed with SIGKILL loses at most `flush_ms` of request lines.
    `flush_ms=0` writes each line at once.
    """

    MAX_LINES = 256

    def __init__(self, stream=None, flush_ms: int = 0):
        super().__init__(stream)
        self.flush_seconds = flush_ms / 1000
        self._lines: list[str] = []
        self._oldest = 0.0
        self._timer: threading.Thread | None = None
        forget = weakref.WeakMethod(self._forget_parent)
        os.register_at_fork(after_in_child=lambda: (method := forget()) and method())

    def _forget_parent(self) -> None:
        self._lines, self._timer = [], None  # the parent writes its own lines

    def write_line(self, line: str) -> None:
        """A formatted line, written now or within flush_ms."""
        now = time.monotonic()
        with self.lock:
            lines = self._lines
            lines.append(line)
            if len(lines) == 1:
                self._oldest = now
            if now - self._oldest >= self.flush_seconds or len(lines) >= self.MAX_LINES:
                self._write_lines()
                return
        if self._timer is None:
            self._start_timer()

    def _write_lines(self) -> None:
        """With the lock held."""
        if self._lines:
            self.stream.write(self.terminator.join(self._lines) + self.terminator)
            self._lines.clear()
            super().flush()

    def _start_timer(self) -> None:
        def run() -> None:
            while True:
                time.sleep(self.flush_seconds)
                with self.lock:
                    if self._timer is not threading.current_thread():
                        return  # a fork replaced it
                    if self._lines and time.monotonic() - self._oldest >= self.flush_seconds:
                        try:
                            self._write_lines()
                        except Exception:
                            self._lines.clear()  # a closed stream: nothing to report it to

        with self.lock:
            if self._timer is None:
                self._timer = threading.Thread(target=run, name="log-flush", daemon=True)
                self._timer.start()

    def emit(self, record: logging.LogRecord) -> None:
        if self._lines:
            with self.lock:
                self._write_lines()
        super().emit(record)

    def flush(self) -> None:
        with self.lock:
            self._write_lines()
        super().flush()
