"""JSON-LD of article, author, person, section and organisation pages, validated:
each item's @type is a schema.org type and carries that type's required properties
(Google's for the rich-result types), with absolute URLs."""

import json
from datetime import date

import pytest
from lxml import html as lxml_html

from articles.models import Article, Publisher
from tests.factories import ArticleFactory, AuthorFactory, PersonFactory, SectionFactory

pytestmark = pytest.mark.django_db
BASE = "https://www.sanita33.example"

# schema.org type → properties it must carry here.
REQUIRED = {
    "NewsArticle": {"headline", "datePublished", "author", "publisher", "mainEntityOfPage"},
    "OpinionNewsArticle": {"headline", "datePublished", "author", "publisher"},
    "AnalysisNewsArticle": {"headline", "datePublished", "author", "publisher"},
    "AdvertiserContentArticle": {"headline", "datePublished", "author", "publisher"},
    "MedicalWebPage": {"url", "reviewedBy", "lastReviewed", "medicalAudience"},
    "BreadcrumbList": {"itemListElement"},
    "WebSite": {"name", "url", "potentialAction"},
    "CollectionPage": {"name", "url", "isPartOf"},
    "ProfilePage": {"url", "mainEntity"},
    "NewsMediaOrganization": {"name", "url", "logo"},
    "Person": {"name"},
}
URL_PROPERTIES = {"url", "@id", "masthead", "correctionsPolicy", "publishingPrinciples"}


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = BASE
    Publisher.objects.create(site_name="Sanità33", company_name="Editoriale Trentatré S.r.l.")


def items(client, path) -> list[dict]:
    response = client.get(path)
    assert response.status_code == 200, path
    found = []
    for script in lxml_html.fromstring(response.content).xpath(
        '//script[@type="application/ld+json"]'
    ):
        data = json.loads(script.text)
        found.extend(data if isinstance(data, list) else [data])
    for item in found:
        validate(item, top=True)
    return found


def validate(item: dict, top: bool = False) -> None:
    if top:
        assert item["@context"] == "https://schema.org"
    kind = item["@type"]
    required = REQUIRED.get(kind, set())
    if not top and kind == "WebSite":  # a reference to the home page's WebSite
        required = {"@id", "name", "url"}
    missing = required - item.keys()
    assert not missing, (kind, missing)
    for key, value in item.items():
        if key in URL_PROPERTIES and isinstance(value, str):
            assert value.startswith(BASE + "/"), (kind, key, value)
        if isinstance(value, dict) and "@type" in value:
            validate(value)
        if isinstance(value, list):
            for entry in value:
                if isinstance(entry, dict) and "@type" in entry:
                    validate(entry)


def by_type(found: list[dict]) -> dict:
    return {item["@type"]: item for item in found}


def test_author_page_is_a_profile_with_credentials(client):
    author = AuthorFactory(
        name="Anna Riva",
        slug="anna-riva",
        role="Medico e giornalista",
        credentials="medico, giornalista pubblicista",
    )
    ArticleFactory(authors=[author])
    profile = by_type(items(client, "/autori/anna-riva/"))["ProfilePage"]
    person = profile["mainEntity"]
    assert person["@type"] == "Person"
    assert person["name"] == "Anna Riva"
    assert person["jobTitle"] == "Medico e giornalista"
    assert [c["name"] for c in person["hasCredential"]] == ["medico", "giornalista pubblicista"]
    assert person["hasCredential"][0]["@type"] == "EducationalOccupationalCredential"


def test_person_page_is_a_profile_with_role_and_organisation(client):
    person = PersonFactory(
        name="Marco Bianchi", slug="marco-bianchi", role="Primario", organisation="ASL Roma 1"
    )
    ArticleFactory().article_people.create(person=person)
    entity = by_type(items(client, "/persone/marco-bianchi/"))["ProfilePage"]["mainEntity"]
    assert entity["jobTitle"] == "Primario"
    assert entity["worksFor"] == {"@type": "Organization", "name": "ASL Roma 1"}


def test_section_and_home_pages_have_json_ld_and_og_image(client):
    ArticleFactory(section=SectionFactory(slug="farmaci", name="Farmaci"))
    section = by_type(items(client, "/farmaci/"))["CollectionPage"]
    assert section["name"] == "Farmaci"
    assert section["url"] == BASE + "/farmaci/"
    home = by_type(items(client, "/"))
    assert {"WebSite", "NewsMediaOrganization"} <= home.keys()
    for path in ("/", "/farmaci/", "/autori/", "/persone/", "/tag/", "/archivio/"):
        doc = lxml_html.fromstring(client.get(path).content)
        image = doc.xpath('//meta[@property="og:image"]/@content')
        alt = doc.xpath('//meta[@property="og:image:alt"]/@content')
        assert image and image[0].startswith(BASE + "/"), path
        assert alt and alt[0].strip(), path


def test_medically_reviewed_article_is_also_a_medical_web_page(client):
    reviewer = PersonFactory(name="Dott.ssa Anna Riva", slug="anna-riva")
    article = ArticleFactory(medical_reviewer_person=reviewer, last_reviewed=date(2026, 11, 2))
    found = by_type(items(client, article.get_absolute_url()))
    page = found["MedicalWebPage"]
    assert page["url"] == BASE + article.get_absolute_url()
    assert page["reviewedBy"]["name"] == "Dott.ssa Anna Riva"
    assert page["lastReviewed"] == "2026-11-02"
    assert page["medicalAudience"] == {"@type": "Patient"}
    assert "NewsArticle" in found


def test_unreviewed_article_has_no_medical_web_page(client):
    article = ArticleFactory()
    assert "MedicalWebPage" not in by_type(items(client, article.get_absolute_url()))


@pytest.mark.parametrize(
    ("kind", "sponsored", "label", "schema_type"),
    [
        (Article.Kind.NEWS, False, "News", "NewsArticle"),
        (Article.Kind.INTERVIEW, False, "Intervista", "NewsArticle"),
        (Article.Kind.OPINION, False, "Opinione", "OpinionNewsArticle"),
        (Article.Kind.NEWS, True, "Contenuto sponsorizzato", "AdvertiserContentArticle"),
    ],
)
def test_kind_label_is_visible_and_in_the_markup(client, kind, sponsored, label, schema_type):
    article = ArticleFactory(kind=kind, is_sponsored=sponsored, sponsor_name="Fondazione X")
    response = client.get(article.get_absolute_url())
    doc = lxml_html.fromstring(response.content)
    assert doc.xpath('string(//p[contains(@class, "story__kind")])').strip() == label
    news = by_type(items(client, article.get_absolute_url()))[schema_type]
    assert news["genre"] == label


def test_pages_allow_large_image_previews_unless_noindex(client):
    """Google Discover shows large images only with max-image-preview:large."""
    article = ArticleFactory()
    for path in ("/", article.get_absolute_url(), "/trasparenza/"):
        doc = lxml_html.fromstring(client.get(path).content)
        assert doc.xpath('//meta[@name="robots"]/@content') == ["max-image-preview:large"], path
    doc = lxml_html.fromstring(client.get("/cerca/?q=diabete").content)
    assert doc.xpath('//meta[@name="robots"]/@content') == ["noindex, follow"]
