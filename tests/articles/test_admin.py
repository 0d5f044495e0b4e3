import threading
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles import services
from articles.models import (
    Article,
    ArticleEvent,
    Publisher,
    RelatedArticle,
)
from tests.articles.admin_helpers import article_post
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    EditorFactory,
    JournalistFactory,
    PersonFactory,
    SectionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:articles_article_changelist"


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.fixture(params=["journalist", "editor"])
def any_role_client(request, client):
    user = JournalistFactory() if request.param == "journalist" else EditorFactory()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def editor(client):
    user = EditorFactory()
    client.force_login(user)
    return user


def test_add_change_and_list_pages_render_in_italian_for_both_roles(any_role_client):
    article = ArticleFactory(draft=True, created_by=any_role_client.user)

    add = any_role_client.get(reverse("admin:articles_article_add"))
    change = any_role_client.get(change_url(article))
    changelist = any_role_client.get(reverse(CHANGELIST))

    for response in (add, change, changelist):
        assert response.status_code == 200
    add_html = add.content.decode()
    for legend in ["Contenuto", "Immagine principale", "Persone e firme", "Fonti e correzioni"]:
        assert legend in add_html
    assert "Revisione medica" in add_html and "Pubblicazione" in add_html
    assert "ckeditor" in add_html  # the rich-text editor for the body
    assert 'name="loaded_version"' in change.content.decode()
    assert "Anteprima" in change.content.decode()
    assert "Bozza" in changelist.content.decode()


def test_related_section_shows_the_stored_list_with_readable_reasons(editor, client):
    article = ArticleFactory()
    target = ArticleFactory(title="Insulina settimanale")
    RelatedArticle.objects.create(
        article=article,
        target=target,
        position=1,
        score=0.734,
        reasons={"tags": ["diabete", "insulina"], "same_section": True},
    )

    html = client.get(change_url(article)).content.decode().lower()

    assert "insulina settimanale" in html
    assert "tag in comune: diabete, insulina" in html
    assert "stessa sezione" in html
    assert "0,73" in html


def test_changelist_query_count_does_not_grow_with_rows(editor, client, django_assert_num_queries):
    url = reverse(CHANGELIST)
    authors = AuthorFactory.create_batch(2)
    ArticleFactory(authors=authors, section=SectionFactory(parent=SectionFactory()))
    client.get(url)  # fills the navigation cache that creating sections cleared
    with django_assert_num_queries(15):
        assert client.get(url).status_code == 200

    for _ in range(6):
        ArticleFactory(authors=authors, section=SectionFactory(parent=SectionFactory()))
    client.get(url)
    with django_assert_num_queries(15):
        response = client.get(url)
    assert len(response.context["cl"].result_list) == 7


def test_changelist_shows_bylines_status_badges_and_scheduled_state(editor, client):
    author = AuthorFactory(name="Anna Blu")
    ArticleFactory(scheduled=True, title="Domani", authors=[author])
    html = client.get(reverse(CHANGELIST)).content.decode()
    assert "Anna Blu" in html
    assert "Programmato" in html


def test_second_of_two_concurrent_edits_is_refused_and_keeps_the_input(client):
    alice, bob = EditorFactory(first_name="Alice", last_name="Gialli"), EditorFactory()
    article = ArticleFactory(title="Titolo originale")
    form_of_alice = article_post(article, title="Titolo di Alice")
    form_of_bob = article_post(article, title="Titolo di Bob", standfirst="Sommario di Bob")

    client.force_login(alice)
    assert client.post(change_url(article), form_of_alice).status_code == 302
    client.force_login(bob)
    response = client.post(change_url(article), form_of_bob)

    assert response.status_code == 200
    html = response.content.decode()
    assert "è stato modificato da Alice Gialli" in html
    assert 'value="Titolo di Bob"' in html
    assert "Sommario di Bob" in html
    article.refresh_from_db()
    assert (article.title, article.version) == ("Titolo di Alice", 2)


def test_every_admin_save_keeps_a_revision_with_user_and_comment(editor, client):
    article = ArticleFactory(title="Uno")
    client.post(change_url(article), article_post(article, title="Due"))

    version = Version.objects.get_for_object(article).get()
    assert version.revision.user == editor
    assert "Titolo" in version.revision.comment or "Modificato" in version.revision.comment


def test_editor_sees_history_and_restores_an_earlier_version(editor, client):
    article = ArticleFactory(title="Prima versione")
    source = SourceFactory(article=article, title="Fonte originale")
    client.post(change_url(article), article_post(article, title="Prima versione ritoccata"))
    article.refresh_from_db()
    client.post(change_url(article), article_post(article, title="Seconda versione"))
    source.delete()

    history = client.get(reverse("admin:articles_article_history", args=[article.pk]))
    assert history.status_code == 200
    first = Version.objects.get_for_object(article).order_by("pk").first()
    article.refresh_from_db()
    revision_url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    assert client.get(revision_url).status_code == 200
    response = client.post(revision_url, article_post(article, title="Prima versione ritoccata"))

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Prima versione ritoccata"
    assert list(article.sources.values_list("title", flat=True)) == ["Fonte originale"]
    assert article.status == Article.Status.PUBLISHED


def test_publish_button_with_missing_checks_saves_but_lists_what_is_missing(editor, client):
    article = ArticleFactory(draft=True, standfirst="")

    response = client.post(change_url(article), article_post(article, _publish="1"), follow=True)

    html = response.content.decode()
    assert "non è stato pubblicato" in html
    assert "Il sommario è vuoto." in html
    assert "non cita nessuna fonte" in html
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_publish_button_with_a_reason_overrides_the_checks(editor, client):
    article = ArticleFactory(draft=True)

    client.post(
        change_url(article),
        article_post(article, _publish="1", override_reason="Comunicato del Ministero"),
    )

    article.refresh_from_db()
    assert article.is_published() is True
    assert article.publish_check_override == "Comunicato del Ministero"
    assert ArticleEvent.objects.filter(article=article, action="override", user=editor).exists()


def test_material_update_checkbox_sets_the_updated_date(editor, client):
    article = ArticleFactory()
    client.post(change_url(article), article_post(article, body="<p>Dati nuovi</p>"))
    article.refresh_from_db()
    assert article.material_update_at is None

    client.post(
        change_url(article), article_post(article, body="<p>Altri dati</p>", material_update="on")
    )
    article.refresh_from_db()
    assert article.material_update_at is not None


def test_new_article_is_stamped_and_signed_by_its_author(client):
    journalist = JournalistFactory()
    AuthorFactory(user=journalist, name="Laura Verdi")
    client.force_login(journalist)
    section = SectionFactory()

    response = client.post(
        reverse("admin:articles_article_add"),
        article_post(section=section, title="Nuovo pezzo", slug="nuovo-pezzo"),
    )

    assert response.status_code == 302
    article = Article.objects.get(slug="nuovo-pezzo")
    assert (article.created_by, article.last_modified_by) == (journalist, journalist)
    assert [a.name for a in article.authors.all()] == ["Laura Verdi"]


def test_body_is_sanitised_when_saved_through_the_admin(editor, client):
    article = ArticleFactory()
    client.post(
        change_url(article),
        article_post(article, body='<p onclick="x()">Ok<script>alert(1)</script></p>'),
    )
    article.refresh_from_db()
    assert article.body == "<p>Ok</p>"


def test_publisher_is_a_singleton_without_delete(editor, client):
    assert client.get(reverse("admin:articles_publisher_add")).status_code == 200
    publisher = Publisher.load()
    assert client.get(reverse("admin:articles_publisher_add")).status_code == 403
    response = client.post(
        reverse("admin:articles_publisher_delete", args=[publisher.pk]), {"post": "yes"}
    )
    assert response.status_code == 403


def test_events_are_read_only(editor, client):
    event = ArticleEvent.objects.create(article=ArticleFactory(), action="publish", user=editor)
    listing = client.get(reverse("admin:articles_articleevent_changelist"))
    assert "Pubblicato" in listing.content.decode()
    detail = client.get(reverse("admin:articles_articleevent_change", args=[event.pk]))
    assert detail.context["has_change_permission"] is False
    assert client.get(reverse("admin:articles_articleevent_add")).status_code == 403


@pytest.mark.parametrize(
    ("model", "factory", "term"),
    [
        ("section", SectionFactory, "Cardiologia"),
        ("author", AuthorFactory, "Cardiologia"),
        ("person", PersonFactory, "Cardiologia"),
    ],
)
def test_autocomplete_finds_sections_authors_and_people(client, model, factory, term):
    client.force_login(JournalistFactory())
    factory(name=term)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "cardio",
            "app_label": "articles",
            "model_name": "article",
            "field_name": {
                "section": "section",
                "author": "medical_reviewer_author",
                "person": "medical_reviewer_person",
            }[model],
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]][0].startswith(term)


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:articles_section_changelist",
        "admin:articles_author_changelist",
        "admin:articles_person_changelist",
        "admin:articles_correction_changelist",
        "admin:articles_articleredirect_changelist",
        "admin:articles_publisher_changelist",
    ],
)
def test_other_newsroom_pages_render_for_editors(editor, client, url_name):
    assert client.get(reverse(url_name)).status_code == 200


def test_correction_added_in_the_form_is_audited_and_dates_the_update(editor, client):
    article = ArticleFactory()

    client.post(
        change_url(article),
        article_post(
            article,
            inlines={
                "corrections": [
                    {
                        "created_at_0": "2026-11-20",
                        "created_at_1": "10:00:00",
                        "note": "Il farmaco è rimborsato dal 2027, non dal 2026.",
                    }
                ]
            },
        ),
    )

    article.refresh_from_db()
    assert article.corrections.get().note.startswith("Il farmaco è rimborsato")
    assert article.material_update_at == article.corrections.get().created_at
    assert ArticleEvent.objects.filter(article=article, action="correct", user=editor).exists()


def test_publish_action_reports_each_refused_article(editor, client):
    ready = ArticleFactory(draft=True, title="Pronto", authors=[AuthorFactory()])
    SourceFactory(article=ready)
    missing = ArticleFactory(draft=True, title="Senza fonti")

    response = client.post(
        reverse(CHANGELIST),
        {"action": "publish_selected", "_selected_action": [ready.pk, missing.pk]},
        follow=True,
    )

    html = response.content.decode()
    assert "1 articolo pubblicato." in html
    assert "«Senza fonti» non è stato pubblicato" in html
    ready.refresh_from_db()
    missing.refresh_from_db()
    assert (ready.is_published(), missing.is_published()) == (True, False)


def test_unpublish_button_with_a_future_time_schedules_the_withdrawal(editor, client):
    article = ArticleFactory()
    at = (timezone.now() + timedelta(days=3)).replace(microsecond=0)

    client.post(change_url(article), article_post(article, unpublish_at=at, _unpublish="1"))

    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.unpublish_at == at
    assert ArticleEvent.objects.filter(article=article, action="schedule_unpublish").exists()


def test_related_pin_autocomplete_offers_only_published_articles(client):
    client.force_login(JournalistFactory())
    ArticleFactory(title="Diabete: pubblicato")
    ArticleFactory(scheduled=True, title="Diabete: sotto embargo")

    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "diabete",
            "app_label": "articles",
            "model_name": "relatedpin",
            "field_name": "target",
        },
    )

    assert [r["text"] for r in response.json()["results"]] == ["Diabete: pubblicato"]


@pytest.mark.django_db(transaction=True)
def test_a_save_that_loses_the_race_after_validation_is_refused_too(client):
    """Alice commits between Bob's form check and his UPDATE: Bob still gets the message."""
    alice = EditorFactory(first_name="Alice", last_name="Gialli")
    article = ArticleFactory(title="Originale")
    real_update = services.article_update

    def alice_commits_first(**kwargs):
        if kwargs["by"] != alice:

            def alice_saves():
                copy = Article.objects.get(pk=article.pk)
                copy.title = "Titolo di Alice"
                real_update(article=copy, by=alice, loaded_version=1)
                connection.close()

            thread = threading.Thread(target=alice_saves)
            thread.start()
            thread.join()
        return real_update(**kwargs)

    client.force_login(EditorFactory())
    with mock.patch.object(services, "article_update", side_effect=alice_commits_first):
        response = client.post(change_url(article), article_post(article, title="Titolo di Bob"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "è stato modificato da Alice Gialli" in html
    assert 'value="Titolo di Bob"' in html
    article.refresh_from_db()
    assert (article.title, article.version) == ("Titolo di Alice", 2)
