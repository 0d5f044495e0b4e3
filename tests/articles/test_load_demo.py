"""The demo newsroom `make run` loads (manage.py load_demo).

Loading draws and resizes some fifty pictures, so the read-only checks share one
load per module (`demo`); the determinism check makes its own.
"""

import hashlib
import re
from collections import defaultdict
from html import unescape
from io import StringIO
from itertools import combinations
from urllib.parse import urlsplit

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from PIL import Image, ImageChops, ImageStat

from articles.management.commands.load_demo import read_articles
from articles.models import Article, Author, Correction, Person, Publisher, Section, Source
from newsletter.models import Edition
from standards.models import TrustSettings

IMMEDIATE_TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default", "newsletter"],
    }
}
QUOTATION = re.compile(r"<blockquote><p>«(.+?)»</p><p>— (.+?), ")


def run() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """One loaded demo for the module's read-only tests; its media directory."""
    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media, TASKS=IMMEDIATE_TASKS):
        output = run()
    yield media, output
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def demo_media(demo, settings):
    settings.MEDIA_ROOT = demo[0]
    return demo[0]


def pixels(name: str) -> Image.Image:
    with default_storage.open(name) as file, Image.open(file) as image:
        return image.convert("RGB")


@pytest.mark.django_db
def test_load_demo_builds_a_complete_newsroom(demo, demo_media):
    assert demo[1].startswith("Demo caricata")
    entries = read_articles()
    now = timezone.now()
    assert 40 <= Article.objects.count() == len(entries) <= 60
    assert Article.objects.published(now).count() == 49
    assert Article.objects.scheduled(now).count() == 2
    assert Article.objects.filter(status="draft").count() == 1
    assert Article.objects.filter(status="review").count() == 1
    assert Section.objects.get(slug="biotech").parent.name == "Farmaci"
    assert Section.objects.count() == 7
    assert Author.objects.exclude(bio="").count() == 6
    assert Person.objects.exclude(organisation="").count() == Person.objects.count() == 21
    published = Article.objects.published(now)
    # News, interviews, analysis and an opinion; a labelled sponsored piece.
    kinds = set(published.values_list("kind", flat=True))
    assert kinds == {"news", "interview", "analysis", "opinion"}
    sponsored = published.get(is_sponsored=True)
    assert sponsored.sponsor_name and not sponsored.is_health_content
    assert published.filter(medical_reviewer_person__isnull=False).count() >= 3
    assert published.filter(is_featured=True).count() >= 5
    # Two pieces for verified professionals only: one for all, one for some professions.
    reserved = published.exclude(audience="public")
    assert sorted(reserved.values_list("audience", flat=True)) == ["professionals", "professions"]
    assert reserved.get(audience="professions").audience_professions == ["medico", "farmacista"]
    assert Correction.objects.values("article").distinct().count() == 1
    assert Correction.objects.count() == 2
    assert not Article.objects.filter(sources__isnull=True).exists()
    assert Source.objects.exclude(doi="").exists() and Source.objects.exclude(url="").exists()
    # Today's paper and the months before it: the archive has several months.
    assert published.filter(publish_at__gte=now - timezone.timedelta(days=1)).count() >= 6
    assert len({(a.year, a.month) for a in published.dates("publish_at", "month")}) >= 3
    publisher = Publisher.load()
    assert publisher.vat_number and publisher.court_registration and publisher.editor_in_chief
    # A draft newsletter of the week's published stories, for the admin's preview.
    edition = Edition.objects.get()
    assert edition.status == "draft" and edition.intro.startswith("<p>")
    week = published.filter(publish_at__gte=now - timezone.timedelta(days=7))
    assert set(edition.articles.all()) <= set(week) and edition.articles.count() >= 5

    for article in Article.objects.all():
        assert article.lead_image_alt.startswith("Illustrazione: ")
        assert article.lead_image_credit
        assert article.lead_image_renditions[-1]["source"] == article.lead_image.name
        # Discover-ready: the largest rendition is at least 1200 px wide.
        assert article.lead_image_renditions[-1]["width"] >= 1200
        for entry in article.lead_image_renditions:
            assert default_storage.exists(entry["webp"])


@pytest.mark.django_db
def test_demo_interviews_have_one_interviewee_whose_words_they_highlight(demo):
    for interview in Article.objects.filter(kind="interview"):
        interviewee = interview.article_people.get(role="interviewee").person
        assert interview.highlighted_quote
        assert interview.title == f"{interviewee.name}: «{interview.highlighted_quote.rstrip('.')}»"


@pytest.mark.django_db
def test_demo_never_credits_the_same_words_to_two_people(demo):
    """Issue 17: one interview quote was credited to three people."""
    speakers = defaultdict(set)
    for article in Article.objects.prefetch_related("article_people__person"):
        people = {ap.person.name: ap.role for ap in article.article_people.all()}
        if article.highlighted_quote:
            (interviewee,) = (name for name, role in people.items() if role == "interviewee")
            speakers[article.highlighted_quote.rstrip(".")].add(interviewee)
        for said, name in QUOTATION.findall(article.body):
            assert name in people, (article.title, name)
            speakers[said.rstrip(".")].add(name)
    assert len(speakers) >= 30
    shared = {said: names for said, names in speakers.items() if len(names) > 1}
    assert shared == {}
    # And no body quotation is a copy of another article's.
    quotations = [q for a in Article.objects.all() for q, _ in QUOTATION.findall(a.body)]
    assert len(quotations) == len(set(quotations))


@pytest.mark.django_db
def test_demo_titles_are_unique_and_repeat_no_phrase(demo):
    """Issue 17: an identical title in two sections; «il piano… presenta il piano»."""
    titles = list(Article.objects.values_list("title", flat=True))
    assert len({t.casefold() for t in titles}) == len(titles)
    standfirsts = list(Article.objects.values_list("standfirst", flat=True))
    assert len(set(standfirsts)) == len(standfirsts)
    for title in titles:
        words = re.findall(r"\w+", title.casefold())
        bigrams = list(zip(words, words[1:], strict=False))
        assert len(bigrams) == len(set(bigrams)), title
        long_words = [w for w in words if len(w) >= 5]
        assert len(long_words) == len(set(long_words)), title


@pytest.mark.django_db
def test_demo_sources_are_lowercase_https_addresses_or_dois(demo):
    """Issue 17: source links started with «Https://»."""
    sources = list(Source.objects.all())
    assert len(sources) >= 60
    for source in sources:
        link = source.link
        assert link.startswith("https://"), link
        parts = urlsplit(link)
        assert parts.scheme == "https" and "." in parts.netloc and parts.netloc.islower()
        assert " " not in link
        if source.doi:
            assert re.fullmatch(r"10\.\d{4,}/\S+", source.doi)
    hosts = {urlsplit(s.url).netloc for s in sources if s.url}
    assert {"www.salute.gov.it", "www.who.int", "www.ecdc.europa.eu", "www.aifa.gov.it"} <= hosts


@pytest.mark.django_db
def test_demo_bodies_have_subheads_without_heading_jumps(demo):
    """Issue 17: an interview body jumped from the page's h1 to h3."""
    for article in Article.objects.all():
        levels = [int(level) for level in re.findall(r"<h([1-6])", article.body)]
        assert levels, article.title
        assert set(levels) == {2}, article.title
    for article in Article.objects.published():
        assert article.body.count("<p>") >= 3, article.title


@pytest.mark.django_db
def test_demo_pictures_differ_from_article_to_article(demo, demo_media):
    """Issue 17: every article showed one of the same abstract blobs."""
    entries = {e["title"]: e["image"] for e in read_articles()}
    articles = list(Article.objects.order_by("pk"))
    images = {a.pk: pixels(a.lead_image.name) for a in articles}
    hashes = {hashlib.sha256(image.tobytes()).hexdigest() for image in images.values()}
    assert len(hashes) == len(articles)
    assert len({a.lead_image_alt for a in articles}) >= len(set(entries.values()))
    # Pictures of different motifs differ visibly, not just in a few pixels.
    thumbs = {pk: image.resize((64, 36)) for pk, image in images.items()}
    for a, b in combinations(articles, 2):
        if entries[a.title] != entries[b.title]:
            difference = ImageStat.Stat(ImageChops.difference(thumbs[a.pk], thumbs[b.pk]))
            assert sum(difference.mean) / 3 > 8, (a.title, b.title)


@pytest.mark.django_db
def test_demo_related_lists_pick_neighbours_on_the_same_subject(demo):
    """Issue 17: a title shown as related to its twin. Each list now opens with a piece
    sharing a tag, and never with an article of the same title."""
    published = Article.objects.published().prefetch_related("tags")
    opening = 0
    for article in published:
        first = article.related_entries.select_related("target").first()
        if first is None:
            continue
        assert first.target.title != article.title
        if set(article.tags.names()) & set(first.target.tags.names()):
            opening += 1
    assert opening >= 0.8 * published.count()


@pytest.mark.django_db
def test_demo_publisher_shows_follow_line_website_and_credentials(demo, client):
    """Issue 17: social links (the follow-us line above the newsletter call-to-action),
    the publisher's site, author titles, and related items dated dd/mm/yyyy."""
    publisher = Publisher.load()
    assert publisher.facebook_url and publisher.x_url and publisher.linkedin_url
    assert publisher.website_url
    assert TrustSettings.load().ownership
    assert Author.objects.exclude(credentials="").exists()
    interview = Article.objects.published().filter(kind=Article.Kind.INTERVIEW).first()
    html = client.get(interview.get_absolute_url()).content.decode()
    follow = html.index("Rimani in contatto con noi sui nostri canali social seguendoci su:")
    assert follow < html.index("Rimani aggiornato: iscriviti alla newsletter")
    assert publisher.website_display in html
    related = html[html.index('id="correlati"') :]
    assert re.search(r"<time datetime=\"[^\"]+\">\d{2}/\d{2}/\d{4}</time>", related)


@pytest.mark.django_db
def test_load_demo_is_deterministic_and_leaves_a_full_database_alone(demo, demo_media):
    before = {
        a.title: hashlib.sha256(pixels(a.lead_image.name).tobytes()).hexdigest()
        for a in Article.objects.all()
    }
    assert f"già {len(before)} articoli" in run()
    assert Article.objects.count() == len(before)
    Article.objects.all().delete()
    Section.objects.filter(parent__isnull=False).delete()
    for model in (Section, Author, Person):
        model.objects.all().delete()
    run()
    after = {
        a.title: hashlib.sha256(pixels(a.lead_image.name).tobytes()).hexdigest()
        for a in Article.objects.all()
    }
    assert after == before


@pytest.mark.django_db
def test_demo_newsletter_edition_previews_the_weeks_stories(demo, demo_media, admin_client):
    edition = Edition.objects.get()
    html = unescape(admin_client.get(edition.get_absolute_url()).content.decode())
    assert edition.subject in html
    for article in edition.articles.all():
        assert article.title in html
