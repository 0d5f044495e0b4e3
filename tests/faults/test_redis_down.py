"""Redis down: the cache misses, the site keeps serving from the database.

Unit tests of the backend (edgecache/redis.py) against a closed port, a server
that never answers and a throwaway redis-server; then the whole site in
gunicorn with its Redis killed and restarted under it.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from articles.models import Publisher
from edgecache.redis import TolerantRedisCache
from newsletter.models import Subscriber
from tests.factories import ArticleFactory, SectionFactory, UserFactory
from tests.faults.conftest import free_port, gunicorn
from tests.foundation.test_scaleout import Browser


def tolerant_cache(url: str) -> TolerantRedisCache:
    return TolerantRedisCache(url, {"KEY_PREFIX": "faults-test"})


def test_with_nothing_listening_the_cache_behaves_as_an_empty_one(caplog):
    cache = tolerant_cache(f"redis://127.0.0.1:{free_port()}/0")
    cache.outage.retry_after = 0  # try the server on every call

    with caplog.at_level(logging.WARNING, logger="edgecache.redis"):
        assert cache.get("pagecache:version") is None
        assert cache.get("pagecache:version", 1) == 1
        assert cache.get_or_set("sezioni", lambda: ["Cardiologia"], 60) == ["Cardiologia"]
        assert cache.add("pagecache:version", 1, None) is False
        assert cache.set("page:1:/", "<html>", 300) is None
        assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
        assert cache.get_many(["a", "b"]) == {}
        assert cache.has_key("a") is False
        assert cache.touch("a") is False
        assert cache.delete("pagecache:state") is False
        assert cache.delete_many(["a", "b"]) is None
        with pytest.raises(ValueError):
            cache.incr("newsletter:signup-ip:127.0.0.0")  # as if the key were missing
        for _ in range(50):
            cache.get("page:1:/")
        assert cache.ping() is False

    # One line for the whole outage, not one per call.
    warnings = [r.getMessage() for r in caplog.records if r.name == "edgecache.redis"]
    assert len(warnings) == 1
    assert "unavailable" in warnings[0] and "Connection refused" in warnings[0]


def test_a_server_that_never_answers_is_waited_for_once_then_left_alone():
    """Each call would otherwise hold the request until the socket timeout."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    accepted = []

    def accept_and_stay_silent():
        listener.settimeout(0.1)
        while not done.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    done = threading.Event()
    acceptor = threading.Thread(target=accept_and_stay_silent)
    acceptor.start()
    cache = tolerant_cache(f"redis://127.0.0.1:{listener.getsockname()[1]}/0")
    results = []
    caller = threading.Thread(target=lambda: results.extend(cache.get(n) for n in range(20)))
    try:
        caller.start()
        caller.join(timeout=30)
        assert not caller.is_alive(), "a cache call hung on a silent server"
    finally:
        done.set()
        acceptor.join()
        for sock in accepted:
            sock.close()
        listener.close()

    assert results == [None] * 20
    assert len(accepted) == 1
    assert cache.outage.is_down()


@pytest.mark.slow
def test_the_cache_comes_back_with_redis(throwaway_redis):
    cache = tolerant_cache(throwaway_redis.url)
    cache.outage.retry_after = 0
    cache.set("edizione", "mattino", 60)
    assert cache.get("edizione") == "mattino"

    throwaway_redis.kill()
    assert cache.get("edizione") is None
    cache.set("edizione", "sera", 60)  # dropped

    throwaway_redis.start()  # empty: no persistence
    assert cache.get("edizione") is None
    cache.set("edizione", "notte", 60)
    assert cache.get("edizione") == "notte"
    assert cache.add("contatore", 0) is True
    assert cache.incr("contatore") == 1
    assert cache.ping() is True
    assert not cache.outage.is_down()


# The whole site ---------------------------------------------------------------------


def get(base: str, path: str) -> tuple[int, dict, str]:
    try:
        with urllib.request.urlopen(base + path, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def sign_up(base: str, email: str) -> int:
    data = urllib.parse.urlencode({"email": email, "consent": "1", "page": "/"}).encode()
    try:
        with urllib.request.urlopen(base + "/newsletter/", data=data, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.slow
def test_the_site_serves_from_the_database_while_redis_is_down(
    throwaway_redis, server_env, tmp_path
):
    section = SectionFactory(slug="cardiologia", name="Cardiologia")
    article = ArticleFactory(section=section, title="Ipertensione, nuove soglie")
    UserFactory(username="caporedattrice", is_superuser=True)
    Publisher.load()
    env = {
        **server_env,
        "REDIS_URL": throwaway_redis.url,
        "CACHE_KEY_PREFIX": "faults",
        "PAGE_CACHE": "1",
    }
    paths = ["/", "/cardiologia/", article.get_absolute_url()]
    log = tmp_path / "gunicorn.log"
    with gunicorn(env, workers=2, log=log) as (base, _):
        for path in paths:
            get(base, path)
            status, headers, _ = get(base, path)
            assert (status, headers.get("X-Cache")) == (200, "HIT"), path
        assert json.loads(get(base, "/healthz")[2])["cache"] == "ok"

        throwaway_redis.kill()

        for path in paths * 3:
            status, headers, page = get(base, path)
            assert status == 200 and headers.get("X-Cache") != "HIT", path
            assert "Ipertensione, nuove soglie" in page
        # The cache is reported, but a load balancer keeps the process in rotation.
        status, _, health = get(base, "/healthz")
        assert (status, json.loads(health)) == (
            200,
            {"status": "degraded", "database": "ok", "cache": "unavailable"},
        )
        # Signups (their per-IP budget lives in the cache) and staff logins go on.
        assert sign_up(base, "senza-redis@example.org") == 200
        assert Subscriber.objects.filter(email="senza-redis@example.org").exists()
        editor = Browser(base)
        editor.log_in("caporedattrice", "password-di-prova")
        status, _, admin = editor.request("/admin/articles/article/")
        assert status == 200 and "Ipertensione, nuove soglie" in admin

        throwaway_redis.start()  # same port, empty

        deadline = time.monotonic() + 30
        while get(base, "/cardiologia/")[1].get("X-Cache") != "HIT":
            assert time.monotonic() < deadline, "the page cache did not resume within 30 s"
            time.sleep(0.2)
        assert json.loads(get(base, "/healthz")[2])["cache"] == "ok"

    output = log.read_text()
    assert "Traceback" not in output
    assert "unavailable: Error 111 connecting" in output
