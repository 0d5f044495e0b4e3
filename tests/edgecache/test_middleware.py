"""The tags and Cache-Control of public pages, and the origin page cache keyed by the same tags."""

from __future__ import annotations

import pytest
from django.test import Client

from edgecache import origin
from edgecache.purge import purge_tags
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db


def tags(response) -> set[str]:
    return set(response["Surrogate-Key"].split())


def test_every_public_page_names_what_it_shows(client):
    farmaci = SectionFactory(slug="farmaci")
    author = AuthorFactory(slug="anna-rossi")
    shown = ArticleFactory(section=farmaci, authors=[author], tags=["vaccini"])
    elsewhere = ArticleFactory(related_enabled=False)
    home = client.get("/")
    assert {"site", "home", f"article-{shown.pk}", f"article-{elsewhere.pk}"} <= tags(home)
    section = client.get("/farmaci/")
    assert {"site", f"section-{farmaci.pk}", f"article-{shown.pk}"} <= tags(section)
    assert f"article-{elsewhere.pk}" not in tags(section)
    assert {f"author-{author.pk}", f"article-{shown.pk}"} <= tags(client.get("/autori/anna-rossi/"))
    assert f"article-{shown.pk}" in tags(client.get("/tag/vaccini/"))
    page = client.get(shown.get_absolute_url())
    assert {f"article-{shown.pk}", f"related-{shown.pk}"} <= tags(page)
    assert {"feed", f"article-{shown.pk}"} <= tags(client.get("/feed/"))
    assert f"section-{farmaci.pk}" in tags(client.get(f"/feed/sezioni/{farmaci.slug}/"))
    assert "sitemap" in tags(client.get("/sitemap.xml"))
    # Cloudflare's header: the same tags, comma-separated.
    assert set(page["Cache-Tag"].split(",")) == tags(page)


def test_public_pages_tell_shared_caches_how_long_and_how_stale(client, settings):
    settings.PAGE_CACHE_SECONDS = 300
    ArticleFactory()
    cache_control = {part.strip() for part in client.get("/")["Cache-Control"].split(",")}
    assert cache_control == {
        "public",
        "max-age=60",
        "s-maxage=300",
        "stale-while-revalidate=60",
        "stale-if-error=86400",
    }


def test_the_tag_header_names_are_settings(client, settings):
    settings.EDGECACHE_TAG_HEADER = "xkey"
    settings.EDGECACHE_CDN_TAG_HEADER = "Edge-Cache-Tag"
    response = client.get("/")
    assert "home" in response["xkey"].split()
    assert "home" in response["Edge-Cache-Tag"].split(",")
    assert not response.has_header("Surrogate-Key")


def test_staff_posts_and_uncached_paths_get_no_tags_and_are_never_stored(client):
    ArticleFactory()
    staff = Client()
    staff.force_login(UserFactory(is_staff=True))
    for _ in range(2):
        response = staff.get("/")
        assert not response.has_header("Surrogate-Key")
        assert not response.has_header("X-Cache")
    assert not client.get("/cerca/?q=vaccini").has_header("Surrogate-Key")
    assert not client.get("/?utm_source=x").has_header("X-Cache")  # unknown parameter


def test_the_origin_cache_keeps_a_page_until_one_of_its_tags_is_purged(
    client, django_assert_num_queries
):
    shown = ArticleFactory(related_enabled=False)
    other = ArticleFactory(related_enabled=False)
    assert client.get(shown.get_absolute_url())["X-Cache"] == "MISS"
    with django_assert_num_queries(0):
        assert client.get(shown.get_absolute_url())["X-Cache"] == "HIT"
    purge_tags([f"article-{other.pk}", "home"])
    assert client.get(shown.get_absolute_url())["X-Cache"] == "HIT"
    purge_tags([f"article-{shown.pk}"])
    assert client.get(shown.get_absolute_url())["X-Cache"] == "MISS"


def test_a_purge_while_a_page_renders_leaves_that_copy_outdated(client, monkeypatch):
    article = ArticleFactory(related_enabled=False)
    real_put = origin.put

    def purge_then_store(key, **entry):
        purge_tags([f"article-{article.pk}"])  # the write commits during the render
        real_put(key, **entry)

    monkeypatch.setattr(origin, "put", purge_then_store)
    assert client.get(article.get_absolute_url())["X-Cache"] == "MISS"
    monkeypatch.setattr(origin, "put", real_put)
    assert client.get(article.get_absolute_url())["X-Cache"] == "MISS"
    assert client.get(article.get_absolute_url())["X-Cache"] == "HIT"
