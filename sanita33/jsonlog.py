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
import time

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
