import pytest
from django.http import HttpResponse, HttpResponseNotFound
from django.test import RequestFactory
from django.urls import reverse

from articles.middleware import ArticleRedirectFallbackMiddleware
from articles.models import ArticleRedirect
from tests.articles.admin_helpers import article_post
from tests.factories import ArticleFactory, EditorFactory, SectionFactory

pytestmark = pytest.mark.django_db


def test_changing_slug_and_section_in_the_admin_keeps_the_old_address(client):
    article = ArticleFactory(slug="vaccino-antinfluenzale", section=SectionFactory(slug="salute"))
    old_url = article.get_absolute_url()
    farmaci = SectionFactory(slug="farmaci")
    client.force_login(EditorFactory())

    client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        article_post(article, slug="vaccino-antinfluenzale-2026", section=farmaci),
    )

    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == "/farmaci/vaccino-antinfluenzale-2026/"
    assert client.get(response["Location"]).status_code == 200


def test_two_moves_both_old_addresses_lead_to_the_current_one(client):
    editor = EditorFactory()
    client.force_login(editor)
    article = ArticleFactory(slug="primo")
    first = article.get_absolute_url()
    url = reverse("admin:articles_article_change", args=[article.pk])
    client.post(url, article_post(article, slug="secondo"))
    article.refresh_from_db()
    second = article.get_absolute_url()
    client.post(url, article_post(article, slug="terzo"))
    article.refresh_from_db()

    for old in (first, second):
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, article.get_absolute_url())


def test_moving_back_to_an_old_address_serves_the_page_not_a_loop(client):
    client.force_login(EditorFactory())
    article = ArticleFactory(slug="andata")
    url = reverse("admin:articles_article_change", args=[article.pk])
    client.post(url, article_post(article, slug="ritorno"))
    article.refresh_from_db()
    client.post(url, article_post(article, slug="andata"))
    article.refresh_from_db()

    assert client.get(article.get_absolute_url()).status_code == 200
    assert client.get(f"/{article.section.slug}/ritorno/").status_code == 301
    assert not ArticleRedirect.objects.filter(old_path=article.get_absolute_url()).exists()


def test_any_stored_old_path_redirects_with_its_query_string(client):
    article = ArticleFactory()
    ArticleRedirect.objects.create(old_path="/2019/05/04/vecchio-post-wordpress/", article=article)

    response = client.get("/2019/05/04/vecchio-post-wordpress/?utm_source=x")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url() + "?utm_source=x"
    # The same path without its trailing slash is found too.
    assert client.get("/2019/05/04/vecchio-post-wordpress").status_code == 301


@pytest.mark.parametrize("state", [{"draft": True}, {"unpublished": True}, {"scheduled": True}])
def test_old_address_of_an_article_readers_cannot_see_stays_404(client, state):
    article = ArticleFactory(**state)
    ArticleRedirect.objects.create(old_path="/salute/vecchio/", article=article)
    assert client.get("/salute/vecchio/").status_code == 404


def test_the_fallback_only_looks_up_after_a_404(django_assert_num_queries):
    request = RequestFactory().get("/qualcosa/")
    found = ArticleRedirectFallbackMiddleware(lambda request: HttpResponse("pagina"))
    missing = ArticleRedirectFallbackMiddleware(lambda request: HttpResponseNotFound())

    with django_assert_num_queries(0):
        assert found(request).status_code == 200
    with django_assert_num_queries(1):
        assert missing(request).status_code == 404
