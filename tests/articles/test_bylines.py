"""Bylines: every journalist signs her own work, nobody signs as a colleague."""

import pytest
from django.urls import reverse

from articles import services
from articles.models import Article, ArticleEvent, Author
from tests.articles.admin_helpers import article_post
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    EditorFactory,
    JournalistFactory,
    SectionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

ADD = "admin:articles_article_add"


def byline(author, position=0):
    return {"author": str(author.pk), "position": str(position)}


def test_a_new_journalist_gets_a_profile_and_the_form_opens_signed_by_her(client):
    journalist = JournalistFactory(first_name="Chiara", last_name="Fontana")
    client.force_login(journalist)

    response = client.get(reverse(ADD))

    author = Author.objects.get(user=journalist)
    assert author.name == "Chiara Fontana"
    formset = next(
        f
        for f in response.context["inline_admin_formsets"]
        if f.formset.prefix == "article_authors"
    )
    assert formset.formset.forms[0].initial == {"author": author.pk}
    assert "Chiara Fontana" in response.content.decode()


def test_the_default_byline_is_saved_with_the_new_article(client):
    journalist = JournalistFactory(first_name="Chiara", last_name="Fontana")
    client.force_login(journalist)
    client.get(reverse(ADD))
    author = Author.objects.get(user=journalist)

    response = client.post(
        reverse(ADD),
        article_post(
            section=SectionFactory(), slug="firmato", inlines={"article_authors": [byline(author)]}
        ),
    )

    assert response.status_code == 302
    assert list(Article.objects.get(slug="firmato").authors.all()) == [author]


def test_an_article_saved_without_bylines_is_signed_by_its_writer(client):
    journalist = JournalistFactory(first_name="Ugo", last_name="Sala")
    client.force_login(journalist)
    client.post(reverse(ADD), article_post(section=SectionFactory(), slug="senza-firme"))
    assert [a.name for a in Article.objects.get(slug="senza-firme").authors.all()] == ["Ugo Sala"]


def test_a_journalist_cannot_sign_as_a_colleague(client):
    journalist = JournalistFactory()
    colleague = AuthorFactory(user=JournalistFactory(), name="Piero Colleghi")
    client.force_login(journalist)

    response = client.post(
        reverse(ADD),
        article_post(
            section=SectionFactory(),
            slug="firma-altrui",
            inlines={"article_authors": [byline(colleague)]},
        ),
    )

    assert response.status_code == 200
    assert "Puoi firmare solo con la tua firma" in response.content.decode()
    assert not Article.objects.filter(slug="firma-altrui").exists()


def test_a_journalist_may_add_a_shared_byline_and_an_editor_anyone(client):
    redazione = AuthorFactory(name="Redazione")
    colleague = AuthorFactory(user=JournalistFactory())
    client.force_login(JournalistFactory())
    assert (
        client.post(
            reverse(ADD),
            article_post(
                section=SectionFactory(),
                slug="redazione",
                inlines={"article_authors": [byline(redazione)]},
            ),
        ).status_code
        == 302
    )
    client.force_login(EditorFactory())
    assert (
        client.post(
            reverse(ADD),
            article_post(
                section=SectionFactory(),
                slug="per-conto",
                inlines={"article_authors": [byline(colleague)]},
            ),
        ).status_code
        == 302
    )


def test_the_byline_picker_offers_a_journalist_only_bylines_she_may_use(client):
    journalist = JournalistFactory()
    own = AuthorFactory(user=journalist, name="Rossi Propria")
    AuthorFactory(name="Rossi Redazione")
    AuthorFactory(user=JournalistFactory(), name="Rossi Collega")
    client.force_login(journalist)

    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "Rossi",
            "app_label": "articles",
            "model_name": "articleauthor",
            "field_name": "author",
        },
    )

    names = sorted(r["text"] for r in response.json()["results"])
    assert names == ["Rossi Propria", "Rossi Redazione"]
    assert own.name in names


def test_a_journalist_edits_her_own_profile_only(client):
    journalist = JournalistFactory()
    own = AuthorFactory(user=journalist)
    other = AuthorFactory(user=JournalistFactory())
    client.force_login(journalist)
    assert client.get(reverse("admin:articles_author_change", args=[own.pk])).context[
        "has_change_permission"
    ]
    assert not client.get(reverse("admin:articles_author_change", args=[other.pk])).context[
        "has_change_permission"
    ]


def test_an_article_without_bylines_is_not_published_without_a_reason():
    editor = EditorFactory()
    article = ArticleFactory(draft=True)
    SourceFactory(article=article)

    with pytest.raises(services.PublishCheckFailed) as failure:
        services.article_publish(article=article, by=editor)
    assert failure.value.problems == ["L'articolo non ha nessuna firma."]

    services.article_publish(article=article, by=editor, override_reason="Nota d'agenzia")
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert "nessuna firma" in ArticleEvent.objects.get(article=article, action="override").note
