"""Editorial comments: a staff-only thread on each article, notified to the people on it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Version

from desk.models import EditorialComment, Notification
from tests.articles.admin_helpers import article_post
from tests.desk.factories import AssignmentFactory, EditorialCommentFactory
from tests.factories import ArticleFactory, AuthorFactory, EditorFactory, JournalistFactory

pytestmark = pytest.mark.django_db


def change_url(article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def test_editor_comments_and_the_writer_and_assignee_are_notified(client):
    writer, assignee, editor = JournalistFactory(), JournalistFactory(), EditorFactory()
    article = ArticleFactory(in_review=True, created_by=writer)
    AssignmentFactory(article=article, assignee=assignee)
    client.force_login(editor)

    response = client.post(
        reverse("admin:desk-comments", args=[article.pk]),
        {"testo": "Il dato sui ricoveri è del 2023, non del 2024."},
    )

    assert response.status_code == 302
    assert response["Location"] == change_url(article) + "#commenti"
    comment = EditorialComment.objects.get()
    assert (comment.author, comment.resolved_at) == (editor, None)
    notified = set(Notification.objects.values_list("recipient", flat=True))
    assert notified == {writer.pk, assignee.pk}
    client.force_login(writer)
    desk = client.get(reverse("admin:index")).content.decode()
    assert "ha commentato" in desk and "Il dato sui ricoveri" in desk


def test_thread_is_shown_in_the_article_form_and_can_be_resolved(client):
    writer, editor = JournalistFactory(), EditorFactory()
    article = ArticleFactory(draft=True, created_by=writer)
    comment = EditorialCommentFactory(article=article, author=editor, text="Accorcia l'attacco.")
    client.force_login(writer)
    html = client.get(change_url(article)).content.decode()
    assert "Commenti della redazione" in html and "Accorcia l&#x27;attacco." in html

    client.post(reverse("admin:desk-comment-resolve", args=[comment.pk]))
    comment.refresh_from_db()
    assert comment.resolved_by == writer and comment.resolved_at is not None
    client.post(reverse("admin:desk-comment-resolve", args=[comment.pk]), {"riapri": "1"})
    comment.refresh_from_db()
    assert comment.resolved_at is None


def test_empty_comment_is_refused_with_a_message(client):
    article = ArticleFactory(draft=True)
    client.force_login(EditorFactory())
    response = client.post(
        reverse("admin:desk-comments", args=[article.pk]), {"testo": "  "}, follow=True
    )
    assert "Il commento è vuoto." in response.content.decode()
    assert not EditorialComment.objects.exists()


def test_comments_never_reach_readers_or_revisions(client):
    editor = EditorFactory()
    article = ArticleFactory(title="Vaccini in farmacia")
    EditorialCommentFactory(article=article, author=editor, text="NOTA-INTERNA-RISERVATA")
    public = Client().get(article.get_absolute_url())
    assert public.status_code == 200
    assert "NOTA-INTERNA-RISERVATA" not in public.content.decode()

    client.force_login(editor)
    client.post(change_url(article), article_post(article, title="Vaccini in farmacia, il via"))
    assert Version.objects.exists()
    assert not any(
        "NOTA-INTERNA-RISERVATA" in version.serialized_data for version in Version.objects.all()
    )


def test_journalist_cannot_comment_on_a_colleagues_draft_she_cannot_see(client):
    article = ArticleFactory(draft=True)
    client.force_login(JournalistFactory())
    response = client.post(reverse("admin:desk-comments", args=[article.pk]), {"testo": "Ciao"})
    assert response.status_code == 404
    assert not EditorialComment.objects.exists()


def test_non_staff_user_cannot_read_the_thread(client, django_user_model):
    article = ArticleFactory()
    EditorialCommentFactory(article=article, text="riservato")
    client.force_login(django_user_model.objects.create_user("lettrice", password="x"))
    response = client.get(reverse("admin:desk-comments", args=[article.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("n", [2, 20])
def test_comment_thread_costs_seven_queries_however_long(client, django_assert_num_queries, n):
    """Session, user, 2 permissions, the article, the comments with their authors; and the
    editor's Publisher check from the admin's app list."""
    editor = EditorFactory()
    article = ArticleFactory(authors=[AuthorFactory()])
    for i in range(n):
        EditorialCommentFactory(article=article, author=JournalistFactory(), text=f"Nota {i}")
    url = reverse("admin:desk-comments", args=[article.pk])
    client.force_login(editor)
    client.get(url)  # fills the site chrome's cache
    with django_assert_num_queries(7):
        response = client.get(url)
    assert response.content.decode().count('<article class="desk-comment') == n


def test_article_form_queries_do_not_grow_with_the_comments(client, django_assert_num_queries):
    editor = EditorFactory()
    article = ArticleFactory()
    client.force_login(editor)
    client.get(change_url(article))
    EditorialCommentFactory(article=article, author=editor)
    with CaptureQueriesContext(connection) as few:
        client.get(change_url(article))
    for _ in range(10):
        EditorialCommentFactory(article=article, author=JournalistFactory())
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(change_url(article))
    assert response.content.decode().count('<article class="desk-comment') == 11


def test_following_a_notification_opens_the_thread_and_marks_it_read(client):
    writer, editor = JournalistFactory(), EditorFactory()
    article = ArticleFactory(draft=True, created_by=writer)
    client.force_login(editor)
    client.post(reverse("admin:desk-comments", args=[article.pk]), {"testo": "Rivedi il titolo."})
    notification = Notification.objects.get(recipient=writer)
    url = reverse("admin:desk-notification-open", args=[notification.pk])
    assert client.get(url).status_code == 404  # someone else's notification

    client.force_login(writer)
    response = client.get(url)

    assert response["Location"] == change_url(article) + "#commenti"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert client.get(reverse("admin:index")).context["desk_notifications"]["total"] == 0
