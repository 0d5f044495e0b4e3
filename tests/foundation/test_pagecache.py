import time
import uuid
from datetime import timedelta

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory
from django.utils import timezone

from sanita33 import pagecache, pagemirror
from tests import urls_pagecache
from tests.conftest import MACHINE_REDIS_URL, json_request_log, machine_redis
from tests.factories import ArticleFactory, UserFactory


@pytest.fixture
def cached_site(settings, page_cache):
    settings.ROOT_URLCONF = "tests.urls_pagecache"
    urls_pagecache.calls["count"] = 0
    return urls_pagecache.calls


def test_second_anonymous_request_is_served_from_the_cache(client, cached_site, db):
    ArticleFactory(title="Primo")
    first = client.get("/titles/")
    second = client.get("/titles/")
    assert (first["X-Cache"], second["X-Cache"]) == ("MISS", "HIT")
    assert second.content == b"Primo"
    assert cached_site["count"] == 1
    assert "s-maxage=300" in second["Cache-Control"]
    assert "stale-while-revalidate=60" in second["Cache-Control"]


def test_publishing_makes_cached_pages_fresh_at_once(
    client, cached_site, django_capture_on_commit_callbacks, db
):
    ArticleFactory(title="Primo")
    client.get("/titles/")
    with django_capture_on_commit_callbacks(execute=True):
        ArticleFactory(title="Secondo")
    response = client.get("/titles/")
    assert response["X-Cache"] == "MISS"
    assert set(response.content.decode().split("|")) == {"Primo", "Secondo"}


def test_a_page_cached_before_a_publish_is_not_served_once_another_page_refills(
    client, cached_site, django_capture_on_commit_callbacks, db
):
    """Another page's miss stores the new version's state; the old page must not pass."""
    ArticleFactory(title="Primo")
    client.get("/titles/")
    with django_capture_on_commit_callbacks(execute=True):
        ArticleFactory(title="Secondo")
    client.get("/cookie/")
    response = client.get("/titles/")
    assert response["X-Cache"] == "MISS"
    assert set(response.content.decode().split("|")) == {"Primo", "Secondo"}


def test_unpublishing_makes_cached_pages_fresh_at_once(
    client, cached_site, django_capture_on_commit_callbacks, db
):
    article = ArticleFactory(title="Ritirando")
    assert client.get("/titles/").content == b"Ritirando"
    with django_capture_on_commit_callbacks(execute=True):
        article.status = article.Status.UNPUBLISHED
        article.save()
    assert client.get("/titles/").content == b""


def test_a_scheduled_article_appears_when_its_time_comes(client, cached_site, monkeypatch, db):
    """No write happens at publication time; the version notices the moment."""
    ArticleFactory(title="Embargo", publish_at=timezone.now() + timedelta(hours=1))
    assert client.get("/titles/").content == b""
    later = timezone.now() + timedelta(hours=2)
    monkeypatch.setattr(pagecache.time, "time", lambda: later.timestamp())
    monkeypatch.setattr(pagecache.timezone, "now", lambda: later)
    monkeypatch.setattr("articles.querysets.timezone.now", lambda: later)
    response = client.get("/titles/")
    assert response["X-Cache"] == "MISS"
    assert response.content == b"Embargo"


def test_staff_with_a_session_never_get_or_fill_the_cache(client, cached_site, db):
    client.force_login(UserFactory(is_staff=True))
    first = client.get("/titles/")
    second = client.get("/titles/")
    assert "X-Cache" not in first and "X-Cache" not in second
    assert cached_site["count"] == 2


def test_responses_that_set_cookies_or_carry_unknown_parameters_are_not_cached(
    client, cached_site, db
):
    client.get("/cookie/")
    client.get("/cookie/")
    client.get("/titles/", {"utm_source": "x"})
    client.get("/titles/", {"utm_source": "x"})
    assert cached_site["count"] == 4


def test_conditional_requests_get_304_from_cached_pages(client, cached_site, db):
    ArticleFactory(title="Primo")
    etag = client.get("/titles/")["ETag"]
    response = client.get("/titles/", headers={"if-none-match": etag})
    assert response.status_code == 304
    assert cached_site["count"] == 1


def test_the_page_cache_never_touches_the_database_for_uncached_paths(
    client, cached_site, django_assert_num_queries, db
):
    """/healthz must be able to answer 503 itself when the database is gone."""
    with django_assert_num_queries(1):  # the health check's own SELECT 1
        assert client.get("/healthz").status_code == 200


def test_with_the_database_unreachable_pages_are_served_uncached(
    client, cached_site, monkeypatch, db
):
    from django.db import OperationalError

    def unreachable():
        raise OperationalError("connection refused")

    monkeypatch.setattr(pagecache, "content_version", unreachable)
    response = client.get("/titles/")
    assert response.status_code == 200
    assert "X-Cache" not in response


# Hits answered in front of Django (PageCacheApplication, what gunicorn runs) -----


class Django:
    """Django's WSGI handler, counting the requests that reach it."""

    def __init__(self):
        self.handler = WSGIHandler()
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.handler(environ, start_response)


def wsgi_get(application, path, method="GET", **headers):
    """Status, headers and body of one request through a WSGI application."""
    environ = RequestFactory().generic(method, path, headers=headers).environ
    started = {}

    def start_response(status, response_headers, exc_info=None):
        started.update(status=status, headers=response_headers)

    # As Django's test client does: keep the test's transaction open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        iterable = application(environ, start_response)
        body = b"".join(iterable)
        if hasattr(iterable, "close"):
            iterable.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    names = [name.lower() for name, _ in started["headers"]]
    assert len(names) == len(set(names)), f"repeated headers: {started['headers']}"
    return started["status"], dict(started["headers"]), body


@pytest.fixture
def front(cached_site):
    django = Django()
    return pagecache.PageCacheApplication(django), django


def test_hits_are_answered_before_django_with_every_header_of_the_page(front, db):
    application, django = front
    ArticleFactory(title="Primo")
    miss = wsgi_get(application, "/titles/")
    hit = wsgi_get(application, "/titles/")

    assert django.calls == 1
    assert (miss[0], hit[0]) == ("200 OK", "200 OK")
    assert hit[2] == miss[2] == b"Primo"
    assert (miss[1]["X-Cache"], hit[1]["X-Cache"]) == ("MISS", "HIT")
    stored = (
        "ETag",
        "Cache-Control",
        "Content-Security-Policy",
        "Permissions-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
    )
    for name in stored:
        assert hit[1][name] == miss[1][name]
    assert hit[1]["X-Request-ID"] != miss[1]["X-Request-ID"]


def test_the_cache_key_follows_settings_changed_after_start_up(settings):
    """request_key() keeps the settings it reads; a change (a test's) must reach it."""
    with_cookie = RequestFactory().get("/titles/", headers={"cookie": "s33=abc"}).environ
    assert pagecache.request_key(with_cookie) is not None
    settings.SESSION_COOKIE_NAME = "s33"
    assert pagecache.request_key(with_cookie) is None
    assert pagecache.request_key(RequestFactory().get("/titles/").environ) is not None
    settings.ADMIN_PATH = "titles"
    assert pagecache.request_key(RequestFactory().get("/titles/").environ) is None


def test_a_hit_and_a_miss_each_write_one_json_request_line_with_their_id(front, db):
    application, _ = front
    ArticleFactory(title="Primo")
    with json_request_log() as lines:
        miss = wsgi_get(application, "/titles/")
        hit = wsgi_get(application, "/titles/", x_request_id="proxy-id-0123")
    logged = lines()
    assert [line["cache"] for line in logged] == ["MISS", "HIT"]
    assert [line["request_id"] for line in logged] == [miss[1]["X-Request-ID"], "proxy-id-0123"]
    assert hit[1]["X-Request-ID"] == "proxy-id-0123"
    for line in logged:
        assert list(line) == [
            *("time", "level", "logger", "request_id", "message"),
            *("method", "path", "status", "duration_ms", "cache"),
        ]
        assert (line["message"], line["status"], line["path"]) == (
            "GET /titles/ 200",
            200,
            "/titles/",
        )


def test_a_head_hit_has_the_headers_and_no_body(front, db):
    application, django = front
    ArticleFactory(title="Primo")
    wsgi_get(application, "/titles/")
    status, headers, body = wsgi_get(application, "/titles/", method="HEAD")
    assert (django.calls, status, headers["X-Cache"], body) == (1, "200 OK", "HIT", b"")
    assert headers["Content-Length"] == "5"


def test_staff_with_a_session_cookie_bypass_the_hits_in_front_of_django(front, db):
    application, django = front
    ArticleFactory(title="Primo")
    wsgi_get(application, "/titles/")
    status, headers, _ = wsgi_get(application, "/titles/", cookie="a=1; sessionid=abc")
    assert django.calls == 2
    assert "X-Cache" not in headers


def test_a_publish_is_visible_at_once_in_front_of_django(
    front, django_capture_on_commit_callbacks, db
):
    application, django = front
    ArticleFactory(title="Primo")
    wsgi_get(application, "/titles/")
    with django_capture_on_commit_callbacks(execute=True):
        ArticleFactory(title="Secondo")
    _, headers, body = wsgi_get(application, "/titles/")
    assert django.calls == 2
    assert headers["X-Cache"] == "MISS"
    assert set(body.decode().split("|")) == {"Primo", "Secondo"}


def test_revalidations_get_304_from_the_cached_page(front, db):
    application, django = front
    ArticleFactory(title="Primo")
    etag = wsgi_get(application, "/titles/")[1]["ETag"]
    status, headers, body = wsgi_get(application, "/titles/", if_none_match=etag)
    assert (status, body) == ("304 Not Modified", b"")
    assert headers["ETag"] == etag
    assert cached_site_count() == 1


def test_an_http_request_never_gets_the_page_cached_for_https(cached_site, settings, db):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    application = pagecache.PageCacheApplication(Django())
    ArticleFactory(title="Primo")
    for _ in range(2):
        secure = wsgi_get(application, "/titles/", x_forwarded_proto="https")
    plain = wsgi_get(application, "/titles/", x_forwarded_proto="http")
    assert (secure[0], secure[1]["X-Cache"]) == ("200 OK", "HIT")
    assert plain[0] == "301 Moved Permanently"
    assert plain[1]["Location"].startswith("https://")


def test_a_failing_cache_in_front_of_django_leaves_the_page_to_django(front, monkeypatch, db):
    from redis.exceptions import ConnectionError as RedisConnectionError

    application, django = front
    ArticleFactory(title="Primo")
    wsgi_get(application, "/titles/")

    calls, real_lookup = [], pagecache.lookup

    def drops_the_first_call(key):
        calls.append(key)
        if len(calls) == 1:
            raise RedisConnectionError("connection reset")
        return real_lookup(key)

    monkeypatch.setattr(pagecache, "lookup", drops_the_first_call)
    status, _, body = wsgi_get(application, "/titles/")
    assert (django.calls, status, body) == (2, "200 OK", b"Primo")


def cached_site_count() -> int:
    return urls_pagecache.calls["count"]


def test_public_pages_vary_on_nothing_so_a_cdn_keeps_one_copy_of_each(client, page_cache, db):
    """The site has one language: no `Vary: Accept-Language` splitting CDN entries."""
    article = ArticleFactory()
    for url in ("/", article.get_absolute_url(), article.section.get_absolute_url()):
        response = client.get(url, headers={"accept-language": "en-GB,en;q=0.9"})
        assert (response.status_code, response.get("Vary")) == (200, None), url


# With Redis: each process's mirror of the version (sanita33/pagemirror.py) -------


@pytest.fixture
def redis_site(cached_site, settings, monkeypatch):
    """The page cache on the machine's Redis, under a key prefix of its own."""
    client = machine_redis()
    prefix = f"pagemirror-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "sanita33.cache.TolerantRedisCache",
            "LOCATION": MACHINE_REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    monkeypatch.setattr(pagemirror, "mirror", pagemirror.Mirror())
    reads = []
    real_read = pagecache._read
    monkeypatch.setattr(pagecache, "_read", lambda *keys: reads.append(keys) or real_read(*keys))
    yield client, reads
    pagemirror.mirror._drop_subscription()
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


def bump_from_another_machine(client, *, publish=True):
    """What a publish on another web machine does to Redis (no signal here)."""
    from django.core.cache import cache

    version = client.incr(cache.make_key(pagecache.VERSION_KEY))
    client.delete(cache.make_key(pagecache.STATE_KEY))
    if publish:
        client.publish(pagemirror.channel(), version)


def test_with_redis_hits_need_no_round_trip_and_see_another_machines_publish(
    client, redis_site, db
):
    redis, reads = redis_site
    ArticleFactory(title="Primo")
    client.get("/titles/")
    client.get("/titles/")
    reads.clear()
    hit = client.get("/titles/")
    assert (hit["X-Cache"], hit.content, reads) == ("HIT", b"Primo", [])

    ArticleFactory(title="Secondo")  # committed elsewhere: this process sends no bump
    bump_from_another_machine(redis)
    response = client.get("/titles/")
    assert response["X-Cache"] == "MISS"
    assert set(response.content.decode().split("|")) == {"Primo", "Secondo"}


def test_with_redis_a_subscription_closed_by_the_server_is_noticed_at_the_next_hit(
    client, redis_site, db
):
    """Quiet hits only poll the subscription's socket; a closed one must still be seen."""
    redis, _ = redis_site
    ArticleFactory(title="Primo")
    for _ in range(3):
        client.get("/titles/")
    host, port = pagemirror.mirror.socket.getsockname()[:2]
    redis.client_kill(f"{host}:{port}")
    ArticleFactory(title="Secondo")
    bump_from_another_machine(redis)  # its message is lost with the connection
    response = client.get("/titles/")
    assert response["X-Cache"] == "MISS"
    assert set(response.content.decode().split("|")) == {"Primo", "Secondo"}


def test_with_redis_a_lost_bump_message_delays_freshness_by_a_second_at_most(
    client, redis_site, monkeypatch, db
):
    redis, _ = redis_site
    ArticleFactory(title="Primo")
    for _ in range(3):
        client.get("/titles/")
    ArticleFactory(title="Secondo")
    bump_from_another_machine(redis, publish=False)
    later = time.monotonic() + pagemirror.TRUST_SECONDS + 0.1
    monkeypatch.setattr(pagemirror.time, "monotonic", lambda: later)
    response = client.get("/titles/")
    assert response["X-Cache"] == "MISS"
    assert set(response.content.decode().split("|")) == {"Primo", "Secondo"}


def test_with_redis_a_version_read_before_a_resubscription_is_not_trusted(redis_site):
    """Bumps published before a subscription was confirmed were never seen."""
    mirror = pagemirror.mirror
    generation, _, _ = mirror.current()
    mirror._drop_subscription()
    mirror.retry_at = 0
    mirror.current()  # subscribed again
    mirror.remember(generation, "7", None)
    assert mirror.current()[1] is None
    mirror.remember(mirror.current()[0], "8", None)
    assert mirror.current()[1] == "8"
