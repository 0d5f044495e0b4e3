import contextlib
import io
import json
import logging
import os
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Static files without a manifest, mail in memory, tasks run at once, fresh cache."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "newsletter"],
        }
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    # Sessions in the database whether or not REDIS_URL is set, so signed-in pages'
    # query counts are the same in every run (tests/readers/test_access.py measures
    # the Redis-cached sessions of production).
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def no_page_cache(settings):
    """The origin page cache off, for tests that say why they need every request to
    reach the view (tests run with it on, as production does)."""
    settings.PAGE_CACHE = False


def admin_path(rest: str = "") -> str:
    """An address in the admin, wherever ADMIN_PATH puts it."""
    return f"/{settings.ADMIN_PATH}{rest}"


def require_tool(path, what: str, how: str = "make test installs it with npm"):
    """A checker the tests need: skip without it locally, fail in CI where it must exist."""
    if path is not None and path.exists():
        return path
    message = f"{what} is not available ({how})"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


MACHINE_REDIS_URL = "redis://127.0.0.1:6379/0"


def machine_redis():
    """A client of the machine's Redis: skip without it locally, fail in CI where it must exist."""
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(MACHINE_REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        message = f"no Redis at {MACHINE_REDIS_URL}"
        if os.environ.get("CI"):
            pytest.fail(f"{message}, which CI machines have")
        pytest.skip(message)
    return client


def database_url_for(connection) -> str:
    """DATABASE_URL of the database this test uses, for a child process."""
    params = connection.get_connection_params()
    host = params.get("host") or "127.0.0.1"
    user = params.get("user") or "postgres"
    password = params.get("password") or ""
    credentials = quote(user) + (f":{quote(password)}" if password else "")
    if host.startswith("/"):
        return f"postgres://{credentials}@{quote(host, safe='')}/{params['dbname']}"
    port = params.get("port") or 5432
    return f"postgres://{credentials}@{host}:{port}/{params['dbname']}"


@pytest.fixture
def child_env(transactional_db):
    """Environment for a child process (worker, gunicorn) sharing this test's database."""
    from django.db import connection

    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url_for(connection),
        SECRET_KEY="test-secret-key-for-child-processes",
        DEBUG="0",
        DJANGO_SETTINGS_MODULE="sanita33.settings",
        PYTHONUNBUFFERED="1",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
    )
    return env


def json_formatter() -> logging.Formatter:
    """The formatter LOG_FORMAT=json configures (settings.LOGGING)."""
    from django.conf import settings
    from pythonjsonlogger.json import JsonFormatter

    options = dict(settings.LOGGING["formatters"]["json"])
    del options["()"]
    return JsonFormatter(**options)


@contextlib.contextmanager
def json_request_log():
    """The request logger writing JSON to a buffer, as LOG_FORMAT=json does on a server.

    The buffer's handler is the only one the request line reaches (pytest's own
    capture handlers are set aside meanwhile). Yields a function giving the
    lines so far, parsed.
    """
    from sanita33.requestlog import RequestIdFilter, logger

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(json_formatter())
    handler.addFilter(RequestIdFilter())
    saved = logger.handlers, logger.propagate, logger.level
    logger.handlers, logger.propagate = [handler], False
    logger.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        logger.handlers, logger.propagate = saved[:2]
        logger.setLevel(saved[2])
