"""Restoring an article from its history (the admin's «Cronologia»)."""

import pytest
from django.urls import reverse
from reversion.models import Version

from articles import services
from articles.models import Article, ArticleEvent
from tests.articles.admin_helpers import article_post
from tests.factories import ArticleFactory, AuthorFactory, EditorFactory, SourceFactory

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def revision_url(article, version):
    return reverse("admin:articles_article_revision", args=[article.pk, version.pk])


def versions(article):
    return list(Version.objects.get_for_object(article).order_by("pk"))


def form_of(response) -> dict:
    """The restore form's fields as the browser would post them back."""
    form = response.context["adminform"].form
    data = article_post(form.instance)
    data["loaded_version"] = str(form["loaded_version"].value())
    return data


@pytest.fixture
def editor(client):
    user = EditorFactory(first_name="Paolo", last_name="Neri")
    client.force_login(user)
    return user


def test_restore_posts_the_form_as_shown_and_brings_the_text_back(editor, client):
    article = ArticleFactory(title="Prima versione", body="<p>Testo originale.</p>")
    client.post(change_url(article), article_post(article, title="Prima versione"))
    article.refresh_from_db()
    client.post(
        change_url(article), article_post(article, title="Seconda", body="<p>Testo nuovo.</p>")
    )
    first = versions(article)[0]

    shown = client.get(revision_url(article, first))
    assert shown.status_code == 200
    response = client.post(revision_url(article, first), form_of(shown))

    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert article.title == "Prima versione"
    assert "Testo originale." in article.body
    assert article.version == 4
    assert article.status == Article.Status.PUBLISHED


def test_restore_from_a_workflow_entry_works(editor, client):
    article = ArticleFactory(draft=True, title="Bozza iniziale", authors=[AuthorFactory()])
    SourceFactory(article=article)
    services.article_submit(article=article, by=editor)
    services.article_publish(article=article, by=editor)
    article.refresh_from_db()
    client.post(change_url(article), article_post(article, title="Titolo cambiato"))
    entries = versions(article)
    assert len(entries) == 3

    for entry in entries[:2]:  # «Inviato in revisione», «Pubblicato»
        shown = client.get(revision_url(article, entry))
        assert shown.status_code == 200, shown.get("Location")
        assert client.post(revision_url(article, entry), form_of(shown)).status_code == 302
        article.refresh_from_db()
        assert article.title == "Bozza iniziale"
        assert article.status == Article.Status.PUBLISHED


def test_restore_is_refused_when_someone_saved_after_the_entry_was_opened(editor, client):
    article = ArticleFactory(title="Uno")
    client.post(change_url(article), article_post(article, title="Due"))
    first = versions(article)[0]
    shown = client.get(revision_url(article, first))

    article.refresh_from_db()
    services.article_update(
        article=Article.objects.get(pk=article.pk), by=None, loaded_version=article.version
    )
    response = client.post(revision_url(article, first), form_of(shown))

    assert response.status_code == 200
    assert "dopo che lo hai aperto" in response.content.decode()
    article.refresh_from_db()
    assert article.title == "Due"


def test_restore_records_who_restored_which_entry(editor, client):
    article = ArticleFactory(title="Uno")
    client.post(change_url(article), article_post(article, title="Due"))
    first = versions(article)[0]
    client.post(revision_url(article, first), form_of(client.get(revision_url(article, first))))

    event = ArticleEvent.objects.get(article=article, action="restore")
    assert event.user == editor
    latest = versions(article)[-1]
    assert latest.revision.user == editor
    assert "Ripristinata la versione" in latest.revision.comment
    history = client.get(reverse("admin:articles_article_history", args=[article.pk]))
    assert "Ripristinata la versione" in history.content.decode()


def test_entries_stored_by_older_workflow_saves_are_repaired_and_restorable(editor, client):
    from django.contrib.contenttypes.models import ContentType

    from articles.history import repair_article_versions

    article = ArticleFactory(draft=True, title="Bozza")
    client.post(change_url(article), article_post(article, title="Bozza ritoccata"))
    services.article_submit(article=article, by=editor)
    article.refresh_from_db()
    client.post(change_url(article), article_post(article, title="Titolo finale"))
    submitted = versions(article)[1]
    # What a workflow save wrote before the fix.
    submitted.serialized_data = submitted.serialized_data.replace(
        '"version": 3', '"version": "F(version) + Value(1)"'
    )
    submitted.save()
    assert client.get(revision_url(article, submitted)).status_code == 302

    assert repair_article_versions(Version, ContentType.objects.get_for_model(Article)) == 1

    submitted = Version.objects.get(pk=submitted.pk)
    shown = client.get(revision_url(article, submitted))
    assert shown.status_code == 200
    assert client.post(revision_url(article, submitted), form_of(shown)).status_code == 302
    article.refresh_from_db()
    assert article.title == "Bozza ritoccata"
