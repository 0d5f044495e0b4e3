"""RSS 2.0 and Atom feeds for the site, sections, tags and authors."""

import pytest
from lxml import etree

from articles.models import Publisher
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
MEDIA = "{http://search.yahoo.com/mrss/}"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = "https://www.sanita33.example"
    Publisher.objects.create(site_name="Sanità33", tagline="Quotidiano di sanità")


def parse(response):
    assert response.status_code == 200
    return etree.fromstring(response.content)


def test_site_rss_has_absolute_links_full_standfirst_and_image(client, django_assert_num_queries):
    long_standfirst = "Una frase lunga. " * 15
    article = ArticleFactory(
        standfirst=long_standfirst.strip(),
        authors=[AuthorFactory(name="Giulia Conti"), AuthorFactory(name="Marco Neri")],
        lead_image="articles/2025/02/foto.jpg",
        lead_image_alt="Un ambulatorio",
    )
    ArticleFactory(draft=True, title="Bozza")
    with django_assert_num_queries(2):  # the masthead, then the items with their bylines
        response = client.get("/feed/")
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = parse(response).find("channel")
    assert channel.findtext("title") == "Sanità33 — ultime notizie"
    assert channel.findtext("link") == "https://www.sanita33.example/"
    items = channel.findall("item")
    assert len(items) == 1
    item = items[0]
    url = "https://www.sanita33.example" + article.get_absolute_url()
    assert item.findtext("link") == url
    assert item.findtext("guid") == url
    assert item.findtext("description") == long_standfirst.strip()
    assert "Giulia Conti, Marco Neri" in item.findtext("{http://purl.org/dc/elements/1.1/}creator")
    enclosure = item.find("enclosure")
    assert enclosure.get("url") == "https://www.sanita33.example/media/articles/2025/02/foto.jpg"
    assert enclosure.get("type") == "image/jpeg"
    media = item.find(f"{MEDIA}content")
    assert media.get("url") == enclosure.get("url")
    assert media.findtext(f"{MEDIA}description") == "Un ambulatorio"


def test_site_atom_feed(client):
    article = ArticleFactory(lead_image="articles/foto.png")
    feed = parse(client.get("/feed/atom/"))
    assert feed.tag == f"{ATOM}feed"
    self_link = feed.find(f"{ATOM}link[@rel='self']")
    assert self_link.get("href") == "https://www.sanita33.example/feed/atom/"
    entry = feed.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == article.title
    assert entry.findtext(f"{ATOM}summary") == article.standfirst
    enclosure = entry.find(f"{ATOM}link[@rel='enclosure']")
    assert enclosure.get("href").endswith("/media/articles/foto.png")
    assert enclosure.get("type") == "image/png"


def test_section_tag_and_author_feeds_filter_their_articles(client):
    farmaci = SectionFactory(slug="farmaci", name="Farmaci")
    biotech = SectionFactory(slug="biotech", parent=farmaci)
    author = AuthorFactory(slug="giulia-conti")
    in_sub = ArticleFactory(section=biotech, tags=["vaccini"], authors=[author])
    ArticleFactory(title="Altrove")
    for path in (
        "/feed/sezioni/farmaci/",
        "/feed/tag/vaccini/",
        "/feed/autori/giulia-conti/",
    ):
        titles = [i.findtext("title") for i in parse(client.get(path)).iter("item")]
        assert titles == [in_sub.title], path
        atom = parse(client.get(path.replace("/feed/", "/feed/atom/")))
        assert [e.findtext(f"{ATOM}title") for e in atom.iter(f"{ATOM}entry")] == [in_sub.title]
    channel = parse(client.get("/feed/sezioni/farmaci/")).find("channel")
    assert channel.findtext("title") == "Farmaci — Sanità33"
    assert channel.findtext("link") == "https://www.sanita33.example/farmaci/"


def test_unknown_feed_objects_are_404(client):
    for path in ("/feed/sezioni/nessuna/", "/feed/tag/nessuno/", "/feed/autori/nessuno/"):
        assert client.get(path).status_code == 404


def test_sponsored_items_say_so(client):
    ArticleFactory(is_sponsored=True, title="Il nuovo integratore")
    titles = [i.findtext("title") for i in parse(client.get("/feed/")).iter("item")]
    assert titles == ["[Contenuto sponsorizzato] Il nuovo integratore"]
