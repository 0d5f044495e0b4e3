"""A connection kept between requests is checked (CONN_HEALTH_CHECKS); a dead one is replaced."""

import time

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept():
    """A second connection to the test database, as a web process keeps one."""
    other = connection.copy()
    other.ensure_connection()
    yield other
    other.close()


def test_healthy_connection_is_kept(kept):
    pid = kept.connection.info.backend_pid
    kept.close_if_unusable_or_obsolete()  # Django's CONN_HEALTH_CHECKS, as a request starts
    with kept.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] == pid


def test_connection_closed_by_the_server_is_not_usable(kept):
    pid = kept.connection.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while kept.is_usable() and time.monotonic() < deadline:
        time.sleep(0.05)  # the server's farewell is on its way
    assert not kept.is_usable()
    kept.close_if_unusable_or_obsolete()  # what Django runs as the next request starts
    with kept.cursor() as cursor:  # the health check reconnects instead of failing
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid
