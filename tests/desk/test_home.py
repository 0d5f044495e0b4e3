"""The desk home (the admin index): the right lists per role, in a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from desk import services
from tests.desk.factories import AssignmentFactory, EditorialCommentFactory
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CorrectionRequestFactory,
    EditorFactory,
    JournalistFactory,
    SectionFactory,
    UserFactory,
    join_newsroom_group,
)

pytestmark = pytest.mark.django_db
HOME = "admin:index"


def fill_newsroom(*, journalist, editor, n: int) -> None:
    section = SectionFactory()
    author = AuthorFactory(user=journalist)
    now = timezone.now()
    for i in range(n):
        ArticleFactory(draft=True, section=section, created_by=journalist, title=f"Bozza {i}")
        ArticleFactory(in_review=True, section=section, authors=[author], title=f"Rev {i}")
        ArticleFactory(section=section, publish_at=now + timedelta(minutes=i + 1), title=f"P{i}")
        ArticleFactory(section=section, publish_at=now + timedelta(days=2, minutes=i))
        published = ArticleFactory(section=section, publish_at=now - timedelta(hours=i + 1))
        commented = ArticleFactory(draft=True, section=section, created_by=journalist)
        EditorialCommentFactory(article=commented, author=editor)
        services.assignment_save(
            assignment=AssignmentFactory.build(section=section, assignee=journalist),
            by=editor,
            previous_assignee_id=None,
        )
        CorrectionRequestFactory(
            article=published, received_at=now - timedelta(hours=i * 5), name=f"Lettore {i}"
        )


@pytest.mark.parametrize("n", [1, 15])
@pytest.mark.parametrize(("role", "queries"), [("journalist", 8), ("editor", 11)])
def test_desk_home_costs_the_same_queries_whatever_the_data_size(
    client, django_assert_num_queries, n, role, queries
):
    """Session, user, 2 permission queries, 1 for all article lists, 3 for the other lists;
    for an editor also the admin's own check that the single Publisher row exists, the
    count of readers' professional profiles waiting for verification, and the open
    rettifica requests (n of them, with as many articles, assignments and comments)."""
    journalist, editor = JournalistFactory(), EditorFactory()
    fill_newsroom(journalist=journalist, editor=editor, n=n)
    client.force_login(journalist if role == "journalist" else editor)
    client.get(reverse(HOME))  # fills the site chrome's cache (publisher, sections)
    with django_assert_num_queries(queries):
        response = client.get(reverse(HOME))
    assert response.status_code == 200


def test_journalist_sees_her_drafts_assignments_scheduled_and_notifications(client):
    journalist, editor = JournalistFactory(first_name="Laura"), EditorFactory()
    fill_newsroom(journalist=journalist, editor=editor, n=8)
    ArticleFactory(draft=True, title="La bozza di un collega")
    client.force_login(journalist)
    response = client.get(reverse(HOME))
    desk = response.context["desk"]

    assert desk["drafts"]["total"] == 16  # 8 plain drafts + 8 commented drafts
    assert len(desk["drafts"]["items"]) == 6
    assert desk["review"]["total"] == 8
    assert desk["scheduled_today"]["total"] + desk["scheduled_week"]["total"] == 16
    assert response.context["desk_corrections"]["total"] == 8
    assert response.context["desk_assignments"]["total"] == 8
    assert response.context["desk_notifications"]["total"] == 8
    html = response.content.decode()
    assert "Scrivania di Laura" in html
    assert "La bozza di un collega" not in html
    assert "Inizia a scrivere" in html
    assert "Vedi tutti (16)" in html


def test_scheduled_lists_split_today_from_the_week_in_publishing_order(client):
    editor = EditorFactory()
    now = timezone.localtime()
    later_today = now.replace(hour=23, minute=50, second=0)
    if later_today <= now + timedelta(minutes=1):
        pytest.skip("too close to midnight")
    ArticleFactory(publish_at=later_today, title="Stasera")
    ArticleFactory(publish_at=now + timedelta(days=3), title="Tra tre giorni")
    ArticleFactory(publish_at=now + timedelta(days=2), title="Dopodomani")
    ArticleFactory(publish_at=now + timedelta(days=9), title="Tra nove giorni")
    client.force_login(editor)
    desk = client.get(reverse(HOME)).context["desk"]
    assert [a.title for a in desk["scheduled_today"]["items"]] == ["Stasera"]
    assert [a.title for a in desk["scheduled_week"]["items"]] == ["Dopodomani", "Tra tre giorni"]


def test_editor_reviews_everything_waiting_oldest_first(client):
    editor = EditorFactory()
    first = ArticleFactory(in_review=True, title="Arrivato prima")
    second = ArticleFactory(in_review=True, title="Arrivato dopo")
    Article.objects.filter(pk=first.pk).update(updated_at=timezone.now() - timedelta(hours=3))
    Article.objects.filter(pk=second.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    client.force_login(editor)
    response = client.get(reverse(HOME))
    assert [a.title for a in response.context["desk"]["review"]["items"]] == [
        "Arrivato prima",
        "Arrivato dopo",
    ]
    assert "Da rivedere" in response.content.decode()


def test_reader_without_staff_status_cannot_open_the_desk(client, django_user_model):
    user = django_user_model.objects.create_user("lettore", password="x")
    client.force_login(user)
    response = client.get(reverse(HOME))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


class MedicalReviewerFactory(UserFactory):
    class Meta:
        skip_postgeneration_save = True

    username = "revisore"
    newsroom_group = join_newsroom_group("Revisore medico")


def test_editor_sees_open_rettifiche_with_the_late_ones_first_marked_scaduta(client):
    now = timezone.now()
    late = CorrectionRequestFactory(
        article=ArticleFactory(title="Il farmaco X ritirato dal commercio"),
        name="Mario Rossi",
        received_at=now - timedelta(hours=51, minutes=10),
    )
    soon = CorrectionRequestFactory(
        article=ArticleFactory(title="Liste d'attesa in Lombardia"),
        name="ASST Brianza",
        received_at=now - timedelta(hours=40, minutes=30),
    )
    fresh = CorrectionRequestFactory(
        article=ArticleFactory(title="Nuovo ospedale a Bari"),
        received_at=now - timedelta(minutes=10),
    )
    CorrectionRequestFactory(
        article=ArticleFactory(title="Una rettifica già respinta"),
        status="rejected",
        received_at=now - timedelta(hours=60),
    )
    client.force_login(EditorFactory())
    response = client.get(reverse(HOME))
    block = response.context["desk_rettifiche"]
    assert block["total"] == 3
    assert [r.pk for r in block["items"]] == [late.pk, soon.pk, fresh.pk]

    html = response.content.decode()
    assert "<strong>3</strong> rettifiche aperte" in html
    section = html[
        html.index('id="rettifiche"') : html.index("</section>", html.index('id="rettifiche"'))
    ]
    order = [section.index(title) for title in ("Il farmaco X", "Liste d&#x27;attesa", "Bari")]
    assert order == sorted(order)
    assert section.count("Scaduta") == 1
    assert '<strong class="desk-badge is-late">Scaduta</strong> da 3 ore' in section
    assert "Mancano 7 ore" in section
    assert "Mancano 47 ore" in section
    assert "Una rettifica già respinta" not in section
    for request in (late, soon, fresh):
        assert (
            f'href="{reverse("admin:standards_correctionrequest_change", args=[request.pk])}"'
            in section
        )


def test_a_superuser_sees_the_rettifiche_too_and_an_empty_inbox_says_so(client):
    client.force_login(UserFactory(is_superuser=True))
    response = client.get(reverse(HOME))
    assert response.context["desk_rettifiche"] == {"items": [], "total": 0}
    assert "Nessuna richiesta di rettifica in attesa." in response.content.decode()


@pytest.mark.parametrize("who", ["journalist", "medical reviewer"])
def test_who_cannot_decide_on_rettifiche_does_not_see_them(client, who):
    CorrectionRequestFactory()
    user = JournalistFactory() if who == "journalist" else MedicalReviewerFactory()
    client.force_login(user)
    response = client.get(reverse(HOME))
    assert response.context["desk_rettifiche"] is None
    assert 'id="rettifiche"' not in response.content.decode()
