"""Diritto all'oblio (Cass. 7559/2020): a de-indexed article stays readable at its
address with noindex, and leaves sitemaps, feeds, related lists and our search."""

import pytest
from django.core.exceptions import PermissionDenied

from articles.models import ArticleEvent, Publisher, RelatedArticle
from articles.search import update_search_vectors
from standards import services
from standards.models import Deindexing
from tests.conftest import admin_path
from tests.factories import ArticleFactory, EditorFactory, JournalistFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def publisher(settings):
    settings.SITE_URL = "https://www.sanita33.example"
    return Publisher.objects.create(site_name="Sanità33")


@pytest.fixture
def pair():
    section = SectionFactory(slug="cronaca")
    old = ArticleFactory(
        section=section,
        title="Indagato il primario Bianchi per la vicenda dei vaccini",
        slug="indagato-primario",
        tags=["vaccini"],
    )
    other = ArticleFactory(section=section, title="Vaccini, la campagna riparte", tags=["vaccini"])
    RelatedArticle.objects.create(article=other, target=old, position=0)
    update_search_vectors([old.pk, other.pk])
    return old, other


@pytest.fixture
def decide(django_capture_on_commit_callbacks):
    """De-index an article; the purge of cached pages runs as on commit."""

    def run(article):
        with django_capture_on_commit_callbacks(execute=True):
            return services.article_deindex(
                article=article,
                by=EditorFactory(),
                reason="Richiesta dell'interessato, archiviato nel 2019.",
            )

    return run


def test_the_page_still_answers_with_noindex(client, pair, decide):
    old, _ = pair
    response = client.get(old.get_absolute_url())
    assert "X-Robots-Tag" not in response
    decide(old)
    response = client.get(old.get_absolute_url())
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex"
    assert '<meta name="robots" content="noindex, follow">' in response.content.decode()


def test_it_leaves_sitemaps_and_feeds(client, pair, decide):
    old, other = pair
    decide(old)
    for path in ("/sitemap-articoli.xml", "/sitemap-news.xml", "/feed/", "/feed/tag/vaccini/"):
        body = client.get(path).content.decode()
        assert old.slug not in body, path
        assert other.slug in body, path
    index = client.get("/sitemap.xml").content.decode()
    assert index.count("sitemap-articoli.xml") == 1


def test_it_leaves_related_lists(client, pair, decide):
    old, other = pair
    assert old.title in client.get(other.get_absolute_url()).content.decode()
    decide(old)
    assert old.title not in client.get(other.get_absolute_url()).content.decode()
    # Nor does it come back as the section's newest when the list is empty.
    RelatedArticle.objects.all().delete()
    assert old.title not in client.get(other.get_absolute_url()).content.decode()


def test_it_leaves_internal_search(client, pair, decide):
    old, _ = pair
    assert old.slug in client.get("/cerca/?q=primario").content.decode()
    decide(old)
    assert old.slug not in client.get("/cerca/?q=primario").content.decode()


def test_decision_is_audited_and_revocable(
    client, pair, decide, django_capture_on_commit_callbacks
):
    old, _ = pair
    decide(old)
    event = ArticleEvent.objects.get(article=old, action="oblio")
    assert "archiviato nel 2019" in event.note
    assert event.user is not None
    with django_capture_on_commit_callbacks(execute=True):
        services.article_reindex(
            article=old, by=EditorFactory(), reason="L'interessato ha ritirato la richiesta."
        )
    assert not Deindexing.objects.exists()
    assert ArticleEvent.objects.filter(article=old, action="oblio_revoked").exists()
    assert "X-Robots-Tag" not in client.get(old.get_absolute_url())


def test_only_an_editor_decides_and_a_reason_is_required(pair):
    old, _ = pair
    with pytest.raises(PermissionDenied):
        services.article_deindex(article=old, by=JournalistFactory(), reason="x")
    with pytest.raises(ValueError):
        services.article_deindex(article=old, by=EditorFactory(), reason=" ")


def test_editor_decides_in_the_admin(client, pair):
    old, _ = pair
    editor = EditorFactory()
    client.force_login(editor)
    response = client.post(
        admin_path("standards/deindexing/add/"),
        {"article": old.pk, "reason": "Notizia superata, persona non pubblica."},
    )
    assert response.status_code == 302
    decision = Deindexing.objects.get()
    assert decision.decided_by == editor
    assert ArticleEvent.objects.filter(article=old, action="oblio", user=editor).exists()
