"""Assignments: editors plan and assign; journalists start writing from them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleEvent
from desk.models import Assignment, Notification
from tests.desk.factories import AssignmentFactory
from tests.factories import AuthorFactory, EditorFactory, JournalistFactory, SectionFactory

pytestmark = pytest.mark.django_db


def test_editor_assigns_a_story_and_the_journalist_is_notified(client):
    editor, journalist = EditorFactory(first_name="Paolo", last_name="Neri"), JournalistFactory()
    section = SectionFactory()
    client.force_login(editor)
    due = timezone.localtime() + timedelta(days=1)
    response = client.post(
        reverse("admin:desk_assignment_add"),
        {
            "title": "Liste d'attesa in Lombardia",
            "section": section.pk,
            "assignee": journalist.pk,
            "due_at_0": due.strftime("%Y-%m-%d"),
            "due_at_1": "18:00:00",
            "notes": "Sentire l'assessore e due primari.",
            "state": "pitched",
        },
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert assignment.created_by == editor
    assert assignment.state == Assignment.State.ASSIGNED
    notification = Notification.objects.get()
    assert notification.recipient == journalist
    assert notification.text == "Paolo Neri ti ha assegnato «Liste d'attesa in Lombardia»"


def test_starting_to_write_creates_one_signed_draft(client):
    journalist = JournalistFactory()
    author = AuthorFactory(user=journalist, name="Laura Verdi")
    assignment = AssignmentFactory(assignee=journalist, title="Vaccino RSV negli anziani")
    client.force_login(journalist)
    url = reverse("admin:desk_assignment_start", args=[assignment.pk])

    response = client.post(url)

    article = Article.objects.get()
    assert response["Location"] == reverse("admin:articles_article_change", args=[article.pk])
    assert (article.title, article.status, article.created_by) == (
        "Vaccino RSV negli anziani",
        Article.Status.DRAFT,
        journalist,
    )
    assert article.slug == "vaccino-rsv-negli-anziani"
    assert list(article.article_authors.values_list("author", flat=True)) == [author.pk]
    assert ArticleEvent.objects.filter(article=article, action="create").exists()
    assignment.refresh_from_db()
    assert (assignment.article, assignment.state) == (article, Assignment.State.WRITING)
    # Pressing again opens the same draft.
    client.post(url)
    assert Article.objects.count() == 1
    assert client.get(url).status_code == 405


def test_a_journalist_cannot_start_or_change_a_colleagues_assignment(client):
    assignment = AssignmentFactory(assignee=JournalistFactory())
    client.force_login(JournalistFactory())
    assert (
        client.post(reverse("admin:desk_assignment_start", args=[assignment.pk])).status_code == 403
    )
    assert not Article.objects.exists()
    change = client.get(reverse("admin:desk_assignment_change", args=[assignment.pk]))
    assert change.status_code == 200  # read-only: planning is shared
    assert 'name="title"' not in change.content.decode()


def test_journalist_updates_notes_of_her_assignment_but_not_the_deadline(client):
    journalist = JournalistFactory()
    assignment = AssignmentFactory(assignee=journalist, notes="")
    due = assignment.due_at
    client.force_login(journalist)
    response = client.post(
        reverse("admin:desk_assignment_change", args=[assignment.pk]),
        {"notes": "Intervista fissata per giovedì.", "state": "writing", "due_at_0": "2099-01-01"},
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.notes == "Intervista fissata per giovedì."
    assert assignment.due_at == due


def test_writer_without_an_author_profile_still_signs_the_draft(client):
    journalist = JournalistFactory(first_name="Sara", last_name="Gallo")
    assignment = AssignmentFactory(assignee=journalist)
    client.force_login(journalist)
    client.post(reverse("admin:desk_assignment_start", args=[assignment.pk]))
    byline = Article.objects.get().article_authors.select_related("author").get().author
    assert (byline.user, byline.name) == (journalist, "Sara Gallo")


def test_long_titles_become_slugs_cut_at_a_word_boundary(client):
    journalist = JournalistFactory()
    title = (
        "Lucia Ferrante: «I dati ci dicono dove intervenire, ora bisogna avere il coraggio "
        "di farlo» e altre cose"
    )
    assignment = AssignmentFactory(assignee=journalist, title=title)
    client.force_login(journalist)
    client.post(reverse("admin:desk_assignment_start", args=[assignment.pk]))
    slug = Article.objects.get().slug
    assert len(slug) <= 80 and not slug.endswith("-")
    assert slug.endswith("il-coraggio")
