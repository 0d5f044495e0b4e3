from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleAuthor
from tests.articles.admin_helpers import article_post
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    EditorFactory,
    JournalistFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def changelist_titles(client):
    response = client.get(reverse("admin:articles_article_changelist"))
    assert response.status_code == 200
    return {a.title for a in response.context["cl"].result_list}


def action_names(client):
    response = client.get(reverse("admin:articles_article_changelist"))
    return {name for name, _label in response.context["action_form"].fields["action"].choices}


@pytest.fixture
def journalist(client):
    user = JournalistFactory()
    client.force_login(user)
    return user


@pytest.fixture
def editor_client(client):
    client.force_login(EditorFactory())
    return client


def test_journalist_lists_own_work_and_published_articles_but_not_others_drafts(client, journalist):
    ArticleFactory(draft=True, title="Mia bozza", created_by=journalist)
    signed = ArticleFactory(draft=True, title="Bozza che firmo")
    ArticleAuthor.objects.create(article=signed, author=AuthorFactory(user=journalist))
    ArticleFactory(title="Pubblicato da altri")
    ArticleFactory(draft=True, title="Bozza di un collega")
    ArticleFactory(in_review=True, title="In revisione di un collega")

    assert changelist_titles(client) == {"Mia bozza", "Bozza che firmo", "Pubblicato da altri"}


def test_editor_lists_everything(editor_client):
    ArticleFactory(draft=True, title="Bozza")
    ArticleFactory(in_review=True, title="Revisione")
    ArticleFactory(title="Pubblicato")
    assert changelist_titles(editor_client) == {"Bozza", "Revisione", "Pubblicato"}


def test_journalist_edits_own_draft_but_cannot_touch_workflow_fields(client, journalist):
    article = ArticleFactory(draft=True, created_by=journalist, title="Prima")
    later = timezone.now() + timedelta(days=2)

    response = client.post(
        change_url(article), article_post(article, title="Dopo", publish_at=later, priority="90")
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Dopo"
    assert (article.status, article.publish_at, article.priority) == ("draft", None, 0)
    assert article.last_modified_by == journalist


def test_journalist_only_views_others_published_article(client, journalist):
    article = ArticleFactory(title="Di un collega")

    page = client.get(change_url(article))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False

    response = client.post(change_url(article), article_post(article, title="Manomesso"))
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.title == "Di un collega"


def test_journalist_cannot_edit_own_article_once_published(client, journalist):
    article = ArticleFactory(created_by=journalist, title="Uscito")
    response = client.post(change_url(article), article_post(article, title="Cambiato"))
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.title == "Uscito"


def test_journalist_cannot_open_a_colleagues_draft(client, journalist):
    article = ArticleFactory(draft=True)
    response = client.get(change_url(article))
    assert response.status_code == 302  # the admin's "does not exist" redirect
    assert response.url == reverse("admin:index")


def test_journalist_has_only_the_submit_action(client, journalist):
    assert action_names(client) == {"", "submit_selected"}


def test_editor_has_publish_and_unpublish_actions(editor_client):
    assert {"submit_selected", "publish_selected", "unpublish_selected"} <= action_names(
        editor_client
    )


def test_journalist_submit_action_only_sends_own_drafts(client, journalist):
    mine = ArticleFactory(draft=True, created_by=journalist)
    published = ArticleFactory(created_by=journalist)

    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "submit_selected", "_selected_action": [mine.pk, published.pk]},
    )

    mine.refresh_from_db()
    published.refresh_from_db()
    assert mine.status == Article.Status.REVIEW
    assert published.status == Article.Status.PUBLISHED


def test_journalist_cannot_publish_by_action_or_button(client, journalist):
    article = ArticleFactory(draft=True, created_by=journalist)
    SourceFactory(article=article)
    changelist = reverse("admin:articles_article_changelist")

    client.post(changelist, {"action": "publish_selected", "_selected_action": [article.pk]})
    client.post(change_url(article), article_post(article, _publish="1"))

    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_journalist_cannot_delete_articles(client, journalist):
    article = ArticleFactory(draft=True, created_by=journalist)
    response = client.post(
        reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()


@pytest.mark.parametrize(
    ("url_name", "journalist_status"),
    [
        ("admin:articles_person_add", 200),
        ("admin:taggit_tag_add", 200),
        ("admin:articles_section_add", 403),
        ("admin:articles_author_add", 403),
        ("admin:articles_publisher_add", 403),
    ],
)
def test_journalist_may_add_people_and_tags_not_sections_or_authors(
    client, journalist, url_name, journalist_status
):
    assert client.get(reverse(url_name)).status_code == journalist_status


@pytest.mark.parametrize(
    "url_name",
    ["admin:articles_person_add", "admin:articles_section_add", "admin:articles_author_add"],
)
def test_editor_manages_sections_authors_and_people(editor_client, url_name):
    assert editor_client.get(reverse(url_name)).status_code == 200


def test_editor_edits_a_colleagues_published_article(editor_client):
    article = ArticleFactory(title="Prima")
    response = editor_client.post(change_url(article), article_post(article, title="Dopo"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Dopo"


def test_the_groups_carry_the_custom_permissions():
    journalist, editor = JournalistFactory(), EditorFactory()
    assert journalist.has_perm("articles.publish_article") is False
    assert journalist.has_perm("articles.edit_any_article") is False
    assert journalist.has_perm("articles.add_article") is True
    assert editor.has_perm("articles.publish_article") is True
    assert editor.has_perm("articles.edit_any_article") is True
    assert editor.has_perm("articles.delete_article") is True
