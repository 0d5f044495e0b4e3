"""The history records what really changed, not the sanitiser's reformatting."""

import pytest
from django.urls import reverse
from reversion.models import Version

from tests.articles.admin_helpers import article_post
from tests.factories import ArticleFactory, EditorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = EditorFactory()
    client.force_login(user)
    return user


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def last_comment(article) -> str:
    return Version.objects.get_for_object(article).order_by("-pk").first().revision.comment


def test_saving_an_unchanged_body_does_not_record_a_text_change(editor, client):
    article = ArticleFactory(body="<p>Il testo dell'articolo.</p>")
    # What CKEditor sends back: the same text, laid out its own way.
    posted = article_post(article, title="Titolo nuovo", body="<p>Il testo dell'articolo.</p>\r\n")

    assert client.post(change_url(article), posted).status_code == 302

    comment = last_comment(article)
    assert "Titolo" in comment
    assert "Testo" not in comment


def test_saving_without_changes_records_no_field(editor, client):
    article = ArticleFactory(body="<p>Uno <b>due</b></p>")
    client.post(change_url(article), article_post(article, body='<p style="">Uno <b>due</b></p>'))
    assert "Testo" not in last_comment(article)


def test_a_real_change_of_the_body_is_recorded(editor, client):
    article = ArticleFactory(body="<p>Prima.</p>")
    client.post(change_url(article), article_post(article, body="<p>Dopo.</p>"))
    assert "Testo" in last_comment(article)


def test_ckeditor_layout_between_paragraphs_is_not_a_change(editor, client):
    article = ArticleFactory(body="<p>Uno.</p><p>Due<br>tre.</p>")
    client.post(
        change_url(article), article_post(article, body="<p>Uno.</p>\n\n<p>Due<br />\ntre.</p>\n")
    )
    assert "Testo" not in last_comment(article)
