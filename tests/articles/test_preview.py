import time
from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse

from articles.signing import PREVIEW_LINK_MAX_AGE, preview_token, preview_url
from tests.factories import ArticleFactory, EditorFactory, JournalistFactory, UserFactory

pytestmark = pytest.mark.django_db


def assert_private(response):
    assert "no-cache" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_staff_preview_shows_a_draft_as_readers_will_see_it(client):
    article = ArticleFactory(draft=True, title="Bozza sul vaccino", body="<p>Testo segreto</p>")
    client.force_login(EditorFactory())

    response = client.get(reverse("articles:preview", args=[article.pk]))

    assert response.status_code == 200
    assert response.context["article"] == article
    assert response.context["is_preview"] is True
    html = response.content.decode()
    assert "Bozza sul vaccino" in html and "Testo segreto" in html
    assert_private(response)
    assert "articles/article_detail.html" in [t.name for t in response.templates]


def test_the_public_page_of_a_draft_stays_404(client):
    article = ArticleFactory(draft=True)
    client.force_login(EditorFactory())
    response = client.get(
        reverse("articles:detail", kwargs={"section": article.section.slug, "slug": article.slug})
    )
    assert response.status_code == 404


def test_scheduled_article_can_be_previewed_before_its_embargo(client):
    article = ArticleFactory(scheduled=True, title="Sotto embargo")
    client.force_login(EditorFactory())
    assert client.get(reverse("articles:preview", args=[article.pk])).status_code == 200


def test_anonymous_and_non_staff_users_are_sent_to_the_login(client):
    article = ArticleFactory(draft=True)
    url = reverse("articles:preview", args=[article.pk])
    assert client.get(url).status_code == 302
    client.force_login(UserFactory(is_staff=False))
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_journalist_previews_own_draft_but_not_a_colleagues(client):
    journalist = JournalistFactory()
    mine = ArticleFactory(draft=True, created_by=journalist)
    theirs = ArticleFactory(draft=True)
    client.force_login(journalist)
    assert client.get(reverse("articles:preview", args=[mine.pk])).status_code == 200
    assert client.get(reverse("articles:preview", args=[theirs.pk])).status_code == 404


def test_signed_link_opens_the_draft_without_an_account(client):
    article = ArticleFactory(draft=True, title="Da rileggere")

    response = client.get(preview_url(article.pk))

    assert response.status_code == 200
    assert response.context["article"] == article
    assert_private(response)


def test_expired_link_says_so_with_403(client):
    article = ArticleFactory(draft=True, title="Bozza dimenticata")
    issued = time.time() - PREVIEW_LINK_MAX_AGE.total_seconds() - 60
    with mock.patch("django.core.signing.time.time", return_value=issued):
        url = preview_url(article.pk)

    response = client.get(url)

    assert response.status_code == 403
    html = response.content.decode()
    assert "Il link di anteprima è scaduto" in html
    assert "Bozza dimenticata" not in html
    assert_private(response)


@pytest.mark.parametrize("tamper", ["other-pk", "bad-signature", "garbage"])
def test_tampered_link_never_shows_another_article(client, tamper):
    wanted = ArticleFactory(draft=True, title="Quello giusto")
    other = ArticleFactory(draft=True, title="Un altro articolo")
    token = preview_token(wanted.pk)
    value, timestamp, signature = token.split(":")
    token = {
        "other-pk": f"{other.pk}:{timestamp}:{signature}",
        "bad-signature": f"{value}:{timestamp}:{signature[:-2]}xx",
        "garbage": "non-un-token",
    }[tamper]

    response = client.get(reverse("articles:preview-link", kwargs={"token": token}))

    assert response.status_code == 404
    html = response.content.decode()
    assert "Link di anteprima non valido" in html
    assert "Un altro articolo" not in html and "Quello giusto" not in html


def test_link_for_a_deleted_article_is_404(client):
    article = ArticleFactory(draft=True)
    url = preview_url(article.pk)
    article.delete()
    assert client.get(url).status_code == 404


def test_change_form_offers_preview_and_a_shareable_link(client):
    article = ArticleFactory(draft=True)
    client.force_login(EditorFactory())
    html = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert reverse("articles:preview", args=[article.pk]) in html
    assert "/anteprima/link/" in html
    assert f"valido {PREVIEW_LINK_MAX_AGE.days} giorni" in html
    assert PREVIEW_LINK_MAX_AGE == timedelta(days=7)
