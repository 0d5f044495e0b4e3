"""The masthead and footer: the current page marked, never stale."""

from datetime import date
from unittest import mock

import pytest
from django.core.cache import cache

from articles.models import Publisher
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh():
    cache.clear()
    Publisher.objects.create(site_name="Sanità33", tagline="Quotidiano di sanità")


def masthead(client, path: str) -> str:
    html = client.get(path).content.decode()
    return html[html.index('<header class="masthead">') : html.index("</header>")]


def test_current_entry_is_marked_on_its_own_page_only(client):
    farmaci = SectionFactory(name="Farmaci", slug="farmaci")
    SectionFactory(name="Ricerca", slug="ricerca")
    article = ArticleFactory(section=farmaci)
    for _ in range(2):  # the second round reads the publisher and sections from the cache
        section_nav = masthead(client, "/farmaci/")
        assert '<a href="/farmaci/" aria-current="page">Farmaci</a>' in section_nav
        assert '<a href="/ricerca/">Ricerca</a>' in section_nav
        assert section_nav.count('aria-current="page"') == 1
        assert 'aria-current="page"' not in masthead(client, article.get_absolute_url())
        home = masthead(client, "/")
        assert home.count('aria-current="page"') == 2  # the brand and "Prima pagina"
        assert '<a href="/farmaci/">Farmaci</a>' in home


def test_publisher_and_section_changes_show_on_the_next_page(client, no_page_cache):
    """Without the page cache: the admin's purge of every page on such a change is
    tested in tests/edgecache/test_freshness.py."""
    section = SectionFactory(name="Farmaci", slug="farmaci")
    assert "Quotidiano di sanità" in masthead(client, "/")
    publisher = Publisher.load()
    publisher.tagline = "Il quotidiano della sanità italiana"
    publisher.save()
    assert "Il quotidiano della sanità italiana" in masthead(client, "/")
    section.name = "Farmaci e terapie"
    section.save()
    html = client.get("/").content.decode()
    assert '<a href="/farmaci/">Farmaci e terapie</a>' in html  # masthead and footer
    assert html.count("Farmaci e terapie</a>") == 2
    section.is_active = False
    section.save()
    assert "/farmaci/" not in masthead(client, "/")


def test_masthead_date_follows_the_day(client, no_page_cache):
    """Without the page cache, which keeps a page (and its date) up to s-maxage."""
    with mock.patch("django.utils.timezone.localdate", return_value=date(2026, 11, 24)):
        assert "martedì 24 novembre 2026" in masthead(client, "/")
    with mock.patch("django.utils.timezone.localdate", return_value=date(2026, 11, 25)):
        assert "mercoledì 25 novembre 2026" in masthead(client, "/")
