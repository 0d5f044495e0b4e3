"""Sitemap index (split in pages), Google News sitemap, robots.txt.

Validated with the XML Schemas in ../shared/schemas (sitemap index and the
news extension); the core <urlset> schema ships in the npm package `sitemap`
and is used when installed under var/node.
"""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from lxml import etree

from articles import sitemaps
from articles.models import Publisher
from tests.conftest import require_tool
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db

SCHEMAS = Path(settings.BASE_DIR).parent / "shared" / "schemas"
URLSET_XSD = Path(settings.BASE_DIR) / "var/node/node_modules/sitemap/schema/sitemap.xsd"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def schema(path: Path) -> etree.XMLSchema:
    require_tool(path, path.name)
    return etree.XMLSchema(etree.parse(str(path)))


def assert_valid(xsd: etree.XMLSchema, element) -> None:
    assert xsd.validate(element), xsd.error_log


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = "https://www.sanita33.example"
    Publisher.objects.create(site_name="Sanità33")


def test_index_is_split_into_pages_and_valid(client, monkeypatch):
    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 2)
    ArticleFactory.create_batch(5)
    ArticleFactory(draft=True)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    index = etree.fromstring(response.content)
    assert_valid(schema(SCHEMAS / "siteindex.xsd"), index)
    locations = [loc.text for loc in index.iter(f"{SM}loc")]
    assert locations == [
        "https://www.sanita33.example/sitemap-pagine.xml",
        "https://www.sanita33.example/sitemap-articoli.xml",
        "https://www.sanita33.example/sitemap-articoli.xml?p=2",
        "https://www.sanita33.example/sitemap-articoli.xml?p=3",
    ]
    pages = [
        etree.fromstring(client.get(f"/sitemap-articoli.xml?p={p}").content) for p in (1, 2, 3)
    ]
    urls = [loc.text for page in pages for loc in page.iter(f"{SM}loc")]
    assert len(urls) == len(set(urls)) == 5
    assert client.get("/sitemap-articoli.xml?p=4").status_code == 404


def test_article_and_page_sitemaps_are_valid_with_absolute_urls(client):
    section = SectionFactory(slug="farmaci")
    article = ArticleFactory(section=section)
    articles = etree.fromstring(client.get("/sitemap-articoli.xml").content)
    pages = etree.fromstring(client.get("/sitemap-pagine.xml").content)
    urls = [loc.text for loc in articles.iter(f"{SM}loc")]
    assert urls == ["https://www.sanita33.example" + article.get_absolute_url()]
    assert articles.find(f"{SM}url/{SM}lastmod") is not None
    year = timezone.localtime(article.publish_at).year
    assert [loc.text for loc in pages.iter(f"{SM}loc")] == [
        "https://www.sanita33.example/",
        "https://www.sanita33.example/farmaci/",
        "https://www.sanita33.example/archivio/",
        "https://www.sanita33.example/autori/",
        "https://www.sanita33.example/persone/",
        "https://www.sanita33.example/tag/",
        f"https://www.sanita33.example/archivio/{year}/",
        "https://www.sanita33.example/trasparenza/",
    ]
    xsd = schema(URLSET_XSD)
    assert_valid(xsd, articles)
    assert_valid(xsd, pages)


def test_news_sitemap_lists_the_last_48_hours_with_news_tags(client, django_assert_num_queries):
    now = timezone.now()
    fresh = ArticleFactory(title="Vaccini & anziani", publish_at=now - timedelta(hours=3))
    ArticleFactory(publish_at=now - timedelta(hours=49), title="Vecchia")
    ArticleFactory(scheduled=True, title="Sotto embargo")
    with django_assert_num_queries(4):  # count, page, masthead, navigation (context processor)
        response = client.get("/sitemap-news.xml")
    assert response.status_code == 200
    root = etree.fromstring(response.content)
    urls = root.findall(f"{SM}url")
    assert [u.findtext(f"{SM}loc") for u in urls] == [
        "https://www.sanita33.example" + fresh.get_absolute_url()
    ]
    news = urls[0].find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "Sanità33"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "it"
    assert news.findtext(f"{NEWS}title") == "Vaccini & anziani"
    assert news.findtext(f"{NEWS}publication_date").startswith(
        str(timezone.localdate(fresh.publish_at))
    )
    assert_valid(schema(SCHEMAS / "sitemap-news.xsd"), news)
    # With the core schema, the extension is checked in place (processContents="strict").
    if URLSET_XSD.exists():
        imports = [
            ("http://www.sitemaps.org/schemas/sitemap/0.9", URLSET_XSD),
            ("http://www.google.com/schemas/sitemap-news/0.9", SCHEMAS / "sitemap-news.xsd"),
        ]
        wrapper = etree.XML(
            '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
            + "".join(
                f'<xs:import namespace="{ns}" schemaLocation="{path.as_uri()}"/>'
                for ns, path in imports
            )
            + "</xs:schema>"
        )
        assert_valid(etree.XMLSchema(wrapper), root)


def test_robots_txt_points_to_both_sitemaps(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert "Sitemap: https://www.sanita33.example/sitemap.xml" in text
    assert "Sitemap: https://www.sanita33.example/sitemap-news.xml" in text
    if settings.ADMIN_PATH == "admin/":  # a custom admin path is not published here
        assert "Disallow: /admin/" in text


@pytest.mark.parametrize("page", ["0", "-1", "abc", "2"])
def test_article_sitemap_pages_out_of_range_are_404(client, page):
    ArticleFactory()
    assert client.get(f"/sitemap-articoli.xml?p={page}").status_code == 404


def test_article_sitemap_uses_each_articles_own_section(client):
    a = ArticleFactory(section=SectionFactory(slug="farmaci"), slug="uno")
    b = ArticleFactory(section=SectionFactory(slug="ricerca"), slug="due")
    root = etree.fromstring(client.get("/sitemap-articoli.xml").content)
    assert sorted(loc.text for loc in root.iter(f"{SM}loc")) == sorted(
        "https://www.sanita33.example" + x.get_absolute_url() for x in (a, b)
    )
