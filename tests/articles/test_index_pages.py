"""Index pages: the archive by year and month, authors, people A–Z, tags by use.

Each costs the masthead's two queries (cold cache) plus one, whatever the
number of articles, authors, people or tags.
"""

from datetime import datetime

import pytest
from django.utils import timezone

from articles.models import ArticlePerson, Publisher
from tests.factories import ArticleFactory, AuthorFactory, PersonFactory, SectionFactory

pytestmark = pytest.mark.django_db

INDEX_QUERIES = 3  # masthead + navigation + the page's one query


@pytest.fixture(autouse=True)
def publisher():
    return Publisher.objects.create(site_name="Sanità33")


def at(year, month, day=15):
    return timezone.make_aware(datetime(year, month, day, 10, 0))


def test_archive_lists_years_and_months_with_counts(client, django_assert_num_queries):
    for when in (at(2025, 3), at(2025, 3, 20), at(2025, 11), at(2024, 1)):
        ArticleFactory(publish_at=when)
    ArticleFactory(draft=True)
    with django_assert_num_queries(INDEX_QUERIES):
        response = client.get("/archivio/")
    assert response.status_code == 200
    years = response.context["years"]
    assert [y["year"] for y in years] == [2025, 2024]
    assert [(m["name"], m["count"]) for m in years[0]["months"]] == [
        ("novembre", 1),
        ("marzo", 2),
    ]
    html = response.content.decode()
    assert 'href="/archivio/2025/03/"' in html
    assert "2 articoli" in html and "1 articolo" in html


def test_archive_query_count_does_not_grow(client, django_assert_num_queries):
    for month in range(1, 13):
        ArticleFactory.create_batch(2, publish_at=at(2024, month))
    with django_assert_num_queries(INDEX_QUERIES):
        assert client.get("/archivio/").status_code == 200
    with django_assert_num_queries(INDEX_QUERIES - 2):  # masthead and navigation cached
        response = client.get("/archivio/2024/")
    assert len(response.context["months"]) == 12
    assert response.context["count"] == 24


def test_archive_year_links_neighbour_years_and_404s_when_empty(client):
    ArticleFactory(publish_at=at(2024, 6))
    ArticleFactory(publish_at=at(2025, 2))
    response = client.get("/archivio/2025/")
    assert response.context["previous_year"] == 2024
    assert response.context["next_year"] is None
    assert 'href="/archivio/2025/02/"' in response.content.decode()
    assert client.get("/archivio/2019/").status_code == 404
    assert client.get("/archivio/3000/").status_code == 404


def test_author_index_lists_everyone_with_published_counts(client, django_assert_num_queries):
    giulia = AuthorFactory(name="Giulia Conti", role="Caporedattrice")
    marco = AuthorFactory(name="Marco Villa")
    ArticleFactory.create_batch(3, authors=[giulia])
    ArticleFactory(draft=True, authors=[marco])
    with django_assert_num_queries(INDEX_QUERIES):
        response = client.get("/autori/")
    html = response.content.decode()
    assert [(a.name, a.n) for a in response.context["authors"]] == [
        ("Giulia Conti", 3),
        ("Marco Villa", 0),
    ]
    assert giulia.get_absolute_url() in html and "Caporedattrice" in html
    assert "0 articoli" in html


def test_people_index_is_a_to_z_with_role_and_organisation(client, django_assert_num_queries):
    article = ArticleFactory()
    for name in ("Zeno Neri", "Anna Bruni", "Élodie Martin", "Andrea Costa"):
        ArticlePerson.objects.create(
            article=article, person=PersonFactory(name=name, role="Primario", organisation="ASL")
        )
    PersonFactory(name="Bruno Mai Citato")
    with django_assert_num_queries(INDEX_QUERIES):
        response = client.get("/persone/")
    letters = [(g["letter"], [p.name for p in g["people"]]) for g in response.context["letters"]]
    assert letters == [
        ("A", ["Andrea Costa", "Anna Bruni"]),
        ("E", ["Élodie Martin"]),
        ("Z", ["Zeno Neri"]),
    ]
    html = response.content.decode()
    assert "Primario, ASL" in html
    assert 'href="#lettera-E"' in html


def test_tag_index_orders_by_use(client, django_assert_num_queries):
    ArticleFactory.create_batch(3, tags=["vaccini"])
    ArticleFactory(tags=["vaccini", "oncologia"])
    ArticleFactory(draft=True, tags=["bozza"])
    with django_assert_num_queries(INDEX_QUERIES):
        response = client.get("/tag/")
    assert [(t["tag__name"], t["n"]) for t in response.context["tags"]] == [
        ("vaccini", 4),
        ("oncologia", 1),
    ]
    assert 'href="/tag/vaccini/"' in response.content.decode()


def test_index_pages_are_collection_pages_and_in_the_sitemap(client):
    ArticleFactory(section=SectionFactory(slug="farmaci"))
    for path in ("/archivio/", "/autori/", "/persone/", "/tag/"):
        response = client.get(path)
        assert response.context["structured_data"]["@type"] == "CollectionPage", path
        assert '<script type="application/ld+json">' in response.content.decode()
    sitemap = client.get("/sitemap-pagine.xml").content.decode()
    for path in ("/archivio/", "/autori/", "/persone/", "/tag/"):
        assert f"{path}</loc>" in sitemap


def test_footer_links_the_archive_index(client):
    ArticleFactory()
    assert 'href="/archivio/"' in client.get("/").content.decode()
