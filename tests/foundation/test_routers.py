import json
import os
import subprocess
import sys

import pytest
from django.db import connections, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django_tasks import task

from articles.models import Section
from sanita33.routers import ReplicaPinMiddleware, is_pinned, pin_to_primary, unpin
from tests.factories import SectionFactory

REPLICA = "replica_test"
ROUTED = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


@pytest.fixture(scope="module")
def replica_alias(django_db_setup):
    """A replica alias that mirrors the test database over a connection of its own."""
    primary = connections["default"].settings_dict
    connections.settings[REPLICA] = {
        **primary,
        "TEST": {**primary["TEST"], "MIRROR": "default"},
    }
    yield REPLICA
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


@pytest.fixture
def routed(replica_alias, settings):
    settings.DATABASE_REPLICAS = [replica_alias]
    settings.DATABASE_ROUTERS = ["sanita33.routers.PrimaryReplicaRouter"]
    unpin()
    yield
    unpin()


def queries_on(alias):
    return CaptureQueriesContext(connections[alias])


@task()
def report_pinned() -> bool:
    return is_pinned()


@ROUTED
def test_reads_go_to_the_replica(routed):
    SectionFactory(slug="cuore")
    unpin()  # a new request

    with queries_on(REPLICA) as replica, queries_on("default") as primary:
        slugs = list(Section.objects.values_list("slug", flat=True))

    assert slugs == ["cuore"]
    assert len(replica) == 1
    assert len(primary) == 0


@ROUTED
def test_after_a_write_the_same_request_reads_from_the_primary(routed):
    section = SectionFactory(slug="cuore")

    with queries_on(REPLICA) as replica, queries_on("default") as primary:
        assert Section.objects.get(pk=section.pk).slug == "cuore"

    assert (len(replica), len(primary)) == (0, 1)
    assert is_pinned() is True


@ROUTED
def test_reads_inside_a_transaction_use_the_primary(routed):
    SectionFactory(slug="cuore")
    unpin()

    with queries_on(REPLICA) as replica, queries_on("default") as primary:
        with transaction.atomic():
            locked = Section.objects.select_for_update().get(slug="cuore")
            same = Section.objects.get(pk=locked.pk)

    assert same == locked
    assert len(replica) == 0
    assert len(selects(primary)) == 2


def selects(captured):
    return [q["sql"] for q in captured if q["sql"].startswith("SELECT")]


@ROUTED
def test_related_objects_are_read_from_the_replica_too(routed):
    child = SectionFactory(slug="cardiologia", parent=SectionFactory(slug="specialita"))
    unpin()
    child = Section.objects.get(pk=child.pk)

    with queries_on(REPLICA) as replica, queries_on("default") as primary:
        assert child.parent.slug == "specialita"

    assert (len(replica), len(primary)) == (1, 0)


@pytest.mark.django_db
def test_without_replicas_everything_uses_the_primary(settings):
    settings.DATABASE_ROUTERS = ["sanita33.routers.PrimaryReplicaRouter"]
    settings.DATABASE_REPLICAS = []
    unpin()

    assert Section.objects.all().db == "default"


def test_each_request_starts_unpinned_whatever_the_previous_one_did():
    seen = []

    def view(request):
        seen.append(is_pinned())
        pin_to_primary()  # the view writes
        return None

    middleware = ReplicaPinMiddleware(view)
    pin_to_primary()  # left over from work done outside a request
    middleware(RequestFactory().get("/"))
    middleware(RequestFactory().get("/"))

    assert seen == [False, False]
    assert is_pinned() is False


@ROUTED
def test_each_task_starts_unpinned(routed):
    pin_to_primary()

    result = report_pinned.enqueue()

    assert result.return_value is False


def test_replica_urls_become_aliases_with_the_router_and_middleware():
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://postgres@primary.example:5432/news",
        "DATABASE_REPLICA_URLS": (
            "postgres://reader@replica-a.example:5432/news, "
            "postgres://reader@replica-b.example:6432/news"
        ),
        "SECRET_KEY": "x",
        "DJANGO_SETTINGS_MODULE": "sanita33.settings",
    }
    script = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps({'replicas': s.DATABASE_REPLICAS, 'routers': s.DATABASE_ROUTERS, "
        "'hosts': {a: d['HOST'] + ':' + str(d['PORT']) for a, d in s.DATABASES.items()}, "
        "'mirror': s.DATABASES['replica1']['TEST']['MIRROR'], "
        "'pin': s.MIDDLEWARE.index('sanita33.routers.ReplicaPinMiddleware')}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)

    assert config == {
        "replicas": ["replica1", "replica2"],
        "routers": ["sanita33.routers.PrimaryReplicaRouter"],
        "hosts": {
            "default": "primary.example:5432",
            "replica1": "replica-a.example:5432",
            "replica2": "replica-b.example:6432",
        },
        "mirror": "default",
        "pin": 3,  # after the request log and the page cache (a hit needs no database)
    }
