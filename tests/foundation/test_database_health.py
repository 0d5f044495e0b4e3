"""A connection kept between requests is checked without a round trip, and a dead one is caught."""

import time
from unittest import mock

import pytest
from django.db import connection
from django.db.backends.postgresql import base as django_postgres

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept():
    """A second connection to the test database, as a web process keeps one."""
    other = connection.copy()
    other.ensure_connection()
    yield other
    other.close()


def test_healthy_connection_passes_without_asking_the_server(kept):
    assert type(kept).__module__ in {"sanita33.postgres.base", "sanita33.embedded.base"}
    with mock.patch.object(django_postgres.DatabaseWrapper, "is_usable") as select_1:
        assert kept.is_usable()
    select_1.assert_not_called()


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
