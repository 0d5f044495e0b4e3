"""Canonical URLs, descriptions, OpenGraph/Twitter tags and JSON-LD."""

import json
from datetime import date, datetime

import pytest
from django.utils import timezone
from lxml import html as lxml_html

from articles.models import Publisher
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CorrectionFactory,
    PersonFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db
BASE = "https://www.sanita33.example"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = BASE
    Publisher.objects.create(site_name="Sanità33", tagline="Quotidiano di informazione sanitaria")


def head(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return lxml_html.fromstring(response.content)


def meta(doc, key):
    found = doc.xpath(f'//meta[@property="{key}" or @name="{key}"]/@content')
    return found[0] if found else None


def json_ld(doc) -> dict:
    return {
        item["@type"]: item
        for item in (json.loads(s.text) for s in doc.xpath('//script[@type="application/ld+json"]'))
    }


def test_every_page_type_has_canonical_description_and_social_tags(client):
    section = SectionFactory(slug="farmaci", name="Farmaci", description="Farmaci e terapie.")
    author = AuthorFactory(slug="giulia", bio="Giornalista scientifica.")
    article = ArticleFactory(section=section, tags=["vaccini"], authors=[author])
    pages = {
        "/": "Quotidiano di informazione sanitaria",
        "/farmaci/": "Farmaci e terapie.",
        article.get_absolute_url(): article.standfirst,
        "/autori/giulia/": "Giornalista scientifica.",
        "/tag/vaccini/": "Tutti gli articoli su vaccini",
        "/privacy/": None,
        "/cerca/": None,
    }
    for path, description in pages.items():
        doc = head(client, path)
        assert doc.xpath('//link[@rel="canonical"]/@href') == [BASE + path], path
        assert meta(doc, "og:url") == BASE + path
        assert meta(doc, "og:title") and meta(doc, "twitter:card"), path
        assert meta(doc, "og:locale") == "it_IT"
        if description:
            assert meta(doc, "description") == description, path
            assert meta(doc, "og:description") == description, path


def test_paginated_lists_have_their_own_canonical(client):
    section = SectionFactory(slug="farmaci")
    ArticleFactory.create_batch(21, section=section)
    doc = head(client, "/farmaci/?page=2&utm_source=x")
    assert doc.xpath('//link[@rel="canonical"]/@href') == [BASE + "/farmaci/?page=2"]


def test_search_results_are_not_indexed(client):
    doc = head(client, "/cerca/?q=vaccino")
    assert meta(doc, "robots") == "noindex, follow"


def test_article_social_tags_use_seo_fields_and_lead_image(client):
    article = ArticleFactory(
        seo_title="Titolo per i motori",
        seo_description="Descrizione per i motori",
        lead_image="articles/foto.jpg",
        lead_image_alt="Un ambulatorio",
    )
    doc = head(client, article.get_absolute_url())
    assert doc.findtext(".//title") == "Titolo per i motori — Sanità33"
    assert meta(doc, "description") == "Descrizione per i motori"
    assert meta(doc, "og:type") == "article"
    assert meta(doc, "og:image") == BASE + "/media/articles/foto.jpg"
    assert meta(doc, "twitter:card") == "summary_large_image"
    assert meta(doc, "og:image:alt") == "Un ambulatorio"


def test_news_article_json_ld(client):
    farmaci = SectionFactory(slug="farmaci", name="Farmaci")
    biotech = SectionFactory(slug="biotech", name="Biotech", parent=farmaci)
    author = AuthorFactory(name="Giulia Conti", slug="giulia-conti")
    reviewer = PersonFactory(name="Dott.ssa Anna Riva", slug="anna-riva")
    article = ArticleFactory(
        section=biotech,
        title="Terapia genica per l'emofilia",
        authors=[author],
        tags=["emofilia", "terapie geniche"],
        lead_image="articles/foto.jpg",
        publish_at=timezone.make_aware(datetime(2025, 2, 7, 10)),
        material_update_at=timezone.make_aware(datetime(2025, 2, 8, 9)),
        medical_reviewer_person=reviewer,
        last_reviewed=date(2025, 2, 6),
    )
    CorrectionFactory(article=article, note="Corretto il dosaggio.")
    data = json_ld(head(client, article.get_absolute_url()))
    news = data["NewsArticle"]
    url = BASE + article.get_absolute_url()
    assert news["headline"] == "Terapia genica per l'emofilia"
    assert news["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert news["image"] == [BASE + "/media/articles/foto.jpg"]
    assert news["datePublished"].startswith("2025-02-07T")
    assert news["dateModified"].startswith("2025-02-08T")
    assert news["author"] == [
        {"@type": "Person", "name": "Giulia Conti", "url": BASE + "/autori/giulia-conti/"}
    ]
    assert news["publisher"]["name"] == "Sanità33"
    assert news["publisher"]["logo"]["url"].startswith(BASE + "/static/")
    assert news["articleSection"] == "Biotech"
    assert news["keywords"] == ["emofilia", "terapie geniche"]
    assert news["correction"][0]["text"] == "Corretto il dosaggio."
    assert news["reviewedBy"]["name"] == "Dott.ssa Anna Riva"
    assert news["reviewedBy"]["url"] == BASE + "/persone/anna-riva/"
    assert news["lastReviewed"] == "2025-02-06"
    crumbs = [item["name"] for item in data["BreadcrumbList"]["itemListElement"]]
    assert crumbs == ["Sanità33", "Farmaci", "Biotech", "Terapia genica per l'emofilia"]


def test_json_ld_cannot_be_broken_out_of(client):
    article = ArticleFactory(title="</script><script>alert(1)</script>")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert "\\u003C/script\\u003E" in html
    news = json_ld(lxml_html.fromstring(html))["NewsArticle"]
    assert news["headline"] == "</script><script>alert(1)</script>"
