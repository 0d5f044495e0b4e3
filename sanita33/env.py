"""Typed readers for settings that come from the environment.

Each raises ConfigurationError with a one-line message naming the variable,
so a bad deployment stops at start-up with a sentence, not a traceback.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}
DATABASE_CONNECT_TIMEOUT = 5  # seconds


class ConfigurationError(ImproperlyConfigured):
    pass


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ConfigurationError(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def local_secret_key(path: Path) -> str:
    """A key generated once for local use and reused by every process."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    # O_EXCL: two processes starting together keep whichever key won the race.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def database_config(url: str, *, conn_max_age: int) -> dict:
    import dj_database_url

    try:
        config = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
    except Exception as exc:
        raise ConfigurationError(f"DATABASE_URL is malformed ({exc})") from None
    if config.get("ENGINE") != "django.db.backends.postgresql":
        raise ConfigurationError(
            "DATABASE_URL must point to PostgreSQL (postgres://user@host:port/name)"
        )
    if not config.get("NAME"):
        raise ConfigurationError("DATABASE_URL names no database")
    # A database host that drops packets would otherwise hold each request for
    # the operating system's TCP timeout (minutes), until gunicorn kills the
    # worker; `?connect_timeout=N` in the URL overrides it.
    config.setdefault("OPTIONS", {}).setdefault("connect_timeout", DATABASE_CONNECT_TIMEOUT)
    return config


ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")


def env_origins(name: str) -> list[str]:
    """Comma-separated web origins (`https://host[:port]`), e.g. for a security policy."""
    origins = env_list(name, [])
    for origin in origins:
        if not ORIGIN.fullmatch(origin):
            raise ConfigurationError(
                f"{name} must list origins like https://img.example.org, not {origin!r}"
            )
    return origins


URL_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]*")


def env_url_path(name: str, default: str, *, reserved: set[str]) -> str:
    """A site-relative path such as `admin/` or `redazione/interna/`, with one trailing slash.

    Segments are letters, digits and `._~-`; a first segment in `reserved` is
    refused because the site's own pages already live there.
    """
    raw = os.environ.get(name)
    value = (raw if raw is not None and raw.strip() else default).strip().strip("/")
    segments = value.split("/")
    if not all(URL_SEGMENT.fullmatch(segment) for segment in segments):
        raise ConfigurationError(
            f"{name} must be a path like admin/ (letters, digits, ._~- between slashes), "
            f"not {raw!r}"
        )
    if segments[0].lower() in reserved:
        raise ConfigurationError(f"{name} cannot start with {segments[0]!r}: the site uses it")
    return value + "/"
