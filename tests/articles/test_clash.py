"""After an edit clash: both versions side by side, a choice per field, nothing lost."""

import pytest
from django.urls import reverse

from articles.models import Article
from tests.articles.admin_helpers import article_post
from tests.factories import ArticleFactory, EditorFactory, SectionFactory

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.fixture
def clash(client):
    """Alice saves first; Bob, who opened the same version, is refused."""
    alice = EditorFactory(first_name="Alice", last_name="Gialli")
    bob = EditorFactory(first_name="Bob", last_name="Blu")
    article = ArticleFactory(
        title="Titolo originale", standfirst="Sommario originale", body="<p>Testo originale.</p>"
    )
    client.force_login(alice)
    alice_form = article_post(
        article, title="Titolo di Alice", section=SectionFactory(name="Farmaci")
    )
    assert client.post(change_url(article), alice_form).status_code == 302
    client.force_login(bob)
    bob_form = article_post(
        article, title="Titolo di Bob", standfirst="Sommario di Bob", body="<p>Testo di Bob.</p>"
    )
    response = client.post(change_url(article), bob_form)
    return article, bob_form, response


def test_the_refused_form_shows_both_versions_field_by_field(clash):
    article, _, response = clash

    assert response.status_code == 200
    rows = {row.name: row for row in response.context["clash"]["rows"]}
    assert set(rows) == {"title", "standfirst", "body", "section"}
    assert (rows["title"].theirs, rows["title"].mine) == ("Titolo di Alice", "Titolo di Bob")
    assert rows["section"].theirs == "Farmaci"
    assert rows["body"].mine == "Testo di Bob."
    html = response.content.decode()
    assert "Alice Gialli ha salvato l'articolo dopo che lo hai aperto" in html
    # The heading names the saved article, the form keeps everything Bob typed.
    assert response.context["subtitle"] == "Titolo di Alice"
    assert 'value="Titolo di Bob"' in html and "Sommario di Bob" in html


def test_taking_theirs_for_some_fields_and_mine_for_others_saves_the_mix(client, clash):
    article, bob_form, response = clash
    resolve = {
        **bob_form,
        "_resolve_clash": "1",
        "clash_version": str(response.context["clash"]["version"]),
        "clash_take_title": "theirs",
        "clash_take_section": "theirs",
        "clash_take_standfirst": "mine",
        "clash_take_body": "mine",
    }

    assert client.post(change_url(article), resolve).status_code == 302

    article = Article.objects.select_related("section").get(pk=article.pk)
    assert article.title == "Titolo di Alice"
    assert article.section.name == "Farmaci"
    assert article.standfirst == "Sommario di Bob"
    assert article.body == "<p>Testo di Bob.</p>"
    assert article.version == 3


def test_a_third_save_while_choosing_is_a_new_clash(client, clash):
    article, bob_form, response = clash
    against = response.context["clash"]["version"]
    client.force_login(EditorFactory())
    current = Article.objects.get(pk=article.pk)
    client.post(change_url(article), article_post(current, title="Titolo di Carla"))

    resolve = {**bob_form, "_resolve_clash": "1", "clash_version": str(against)}
    response = client.post(change_url(article), resolve)

    assert response.status_code == 200
    assert response.context["clash"]["rows"][0].theirs == "Titolo di Carla"
    assert Article.objects.get(pk=article.pk).title == "Titolo di Carla"


def test_after_seeing_both_versions_the_plain_save_button_keeps_mine(client, clash):
    article, bob_form, response = clash
    again = {
        **bob_form,
        "_save": "Salva",
        "clash_version": str(response.context["clash"]["version"]),
    }

    assert client.post(change_url(article), again).status_code == 302

    article.refresh_from_db()
    assert (article.title, article.standfirst) == ("Titolo di Bob", "Sommario di Bob")
