"""Autosave: a private copy of the unsaved form, offered back when the form reopens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article
from desk.models import AutosaveDraft
from tests.articles.admin_helpers import article_post
from tests.factories import ArticleFactory, EditorFactory, JournalistFactory

pytestmark = pytest.mark.django_db
AUTOSAVE = reverse("admin:desk-autosave")


def change_url(article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def test_autosave_keeps_the_text_without_touching_the_article(client):
    writer = JournalistFactory()
    article = ArticleFactory(draft=True, created_by=writer, title="Titolo salvato")
    before = Article.objects.values("version", "updated_at", "title").get(pk=article.pk)
    client.force_login(writer)

    response = client.post(
        AUTOSAVE,
        {
            "article": article.pk,
            "loaded_version": article.version,
            "title": "Titolo non ancora salvato",
            "body": "<p>Paragrafo scritto prima del crash.</p>",
            "status": "published",
        },
    )

    assert response.status_code == 200 and response.json()["saved"] is True
    assert "Bozza salvata automaticamente alle" in response.json()["message"]
    draft = AutosaveDraft.objects.get()
    assert draft.data["title"] == "Titolo non ancora salvato"
    assert "status" not in draft.data
    assert Article.objects.values("version", "updated_at", "title").get(pk=article.pk) == before
    assert not Version.objects.exists()
    # A second autosave replaces the first.
    client.post(AUTOSAVE, {"article": article.pk, "title": "Terzo titolo"})
    assert AutosaveDraft.objects.get().data == {"title": "Terzo titolo"}


def test_reopening_the_form_offers_the_unsaved_text(client):
    writer = JournalistFactory()
    article = ArticleFactory(draft=True, created_by=writer)
    client.force_login(writer)
    client.post(AUTOSAVE, {"article": article.pk, "title": "Titolo perso nel crash"})

    html = client.get(change_url(article)).content.decode()

    assert "Hai modifiche non salvate" in html
    assert "Ripristina il testo non salvato" in html
    assert "Titolo perso nel crash" in html  # in the JSON the restore button reads
    # The form itself still shows the saved article until the user chooses.
    assert f'value="{article.title}"' in html


def test_saving_the_article_afterwards_makes_the_copy_stale(client):
    writer = JournalistFactory()
    article = ArticleFactory(draft=True, created_by=writer)
    client.force_login(writer)
    client.post(AUTOSAVE, {"article": article.pk, "title": "Versione intermedia"})
    AutosaveDraft.objects.update(saved_at=timezone.now() - timedelta(minutes=1))
    client.post(change_url(article), article_post(article, title="Versione finale"))

    html = client.get(change_url(article)).content.decode()

    assert "Hai modifiche non salvate" not in html
    assert not AutosaveDraft.objects.exists()


def test_copy_equal_to_the_saved_article_is_not_kept(client):
    writer = JournalistFactory()
    article = ArticleFactory(draft=True, created_by=writer)
    client.force_login(writer)
    response = client.post(
        AUTOSAVE, {"article": article.pk, "title": article.title, "body": article.body}
    )
    assert response.json()["saved"] is False
    assert not AutosaveDraft.objects.exists()


def test_discard_removes_the_copy(client):
    writer = JournalistFactory()
    article = ArticleFactory(draft=True, created_by=writer)
    client.force_login(writer)
    client.post(AUTOSAVE, {"article": article.pk, "title": "Da buttare"})
    client.post(reverse("admin:desk-autosave-discard"), {"article": article.pk})
    assert not AutosaveDraft.objects.exists()
    assert "Hai modifiche non salvate" not in client.get(change_url(article)).content.decode()


def test_autosave_needs_the_csrf_token():
    writer = JournalistFactory()
    article = ArticleFactory(draft=True, created_by=writer)
    client = Client(enforce_csrf_checks=True)
    client.force_login(writer)
    refused = client.post(AUTOSAVE, {"article": article.pk, "title": "Senza token"})
    assert refused.status_code == 403
    client.get(change_url(article))
    token = client.cookies["csrftoken"].value
    accepted = client.post(
        AUTOSAVE, {"article": article.pk, "title": "Con token", "csrfmiddlewaretoken": token}
    )
    assert accepted.status_code == 200
    assert AutosaveDraft.objects.get().data["title"] == "Con token"


def test_journalist_cannot_autosave_into_an_article_she_may_not_edit(client):
    article = ArticleFactory(draft=True, created_by=EditorFactory())
    published = ArticleFactory()
    client.force_login(JournalistFactory())
    assert client.post(AUTOSAVE, {"article": article.pk, "title": "x"}).status_code == 404
    assert client.post(AUTOSAVE, {"article": published.pk, "title": "x"}).status_code == 403
    assert not AutosaveDraft.objects.exists()


def test_each_person_has_their_own_copy(client):
    editor, writer = EditorFactory(), JournalistFactory()
    article = ArticleFactory(draft=True, created_by=writer)
    client.force_login(writer)
    client.post(AUTOSAVE, {"article": article.pk, "title": "Copia di chi scrive"})
    client.force_login(editor)
    assert "Hai modifiche non salvate" not in client.get(change_url(article)).content.decode()


def test_the_form_loads_the_autosave_script_with_the_configured_interval(client, settings):
    settings.DESK_AUTOSAVE_SECONDS = 2
    writer = JournalistFactory()
    article = ArticleFactory(draft=True, created_by=writer)
    client.force_login(writer)
    html = client.get(change_url(article)).content.decode()
    assert 'src="/static/desk/autosave.js"' in html
    assert 'data-interval="2"' in html


def test_new_article_form_offers_its_copy_until_an_article_is_created(client):
    writer = JournalistFactory()
    client.force_login(writer)
    add = reverse("admin:articles_article_add")
    client.post(AUTOSAVE, {"article": "", "title": "Pezzo nuovo mai salvato"})
    html = client.get(add).content.decode()
    assert "Hai modifiche non salvate" in html and "Pezzo nuovo mai salvato" in html

    ArticleFactory(draft=True, created_by=writer)
    assert "Hai modifiche non salvate" not in client.get(add).content.decode()
    assert not AutosaveDraft.objects.exists()
