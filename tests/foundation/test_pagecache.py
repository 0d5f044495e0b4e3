from datetime import timedelta

import pytest
from django.utils import timezone

from sanita33 import pagecache
from tests import urls_pagecache
from tests.factories import ArticleFactory, UserFactory


@pytest.fixture
def cached_site(settings, tmp_path):
    settings.ROOT_URLCONF = "tests.urls_pagecache"
    settings.VAR_DIR = tmp_path
    settings.MIDDLEWARE = [
        "django.middleware.http.ConditionalGetMiddleware",
        "sanita33.pagecache.PageCacheMiddleware",
        *settings.MIDDLEWARE,
    ]
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
