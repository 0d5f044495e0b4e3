"""A reserved article: everyone sees its public part and the gate; the body reaches
matching verified professionals only, and leaks nowhere else."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from articles import services
from articles.models import Article, ArticleAuthor
from readers.models import ProfessionalProfile
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    EditorFactory,
    ProfessionalProfileFactory,
    ReaderFactory,
)

pytestmark = pytest.mark.django_db

SECRET = "Posologia riservata del farmaco Zentrolix nei pazienti fragili"


def reserved(**fields):
    return ArticleFactory(
        title="Nuove indicazioni sugli anticoagulanti orali",
        standfirst="Cosa cambia per chi prescrive e dispensa.",
        body=f"<p>{SECRET}.</p>",
        highlighted_quote="Una frase riservata dell'intervistato",
        audience=fields.pop("audience", Article.Audience.PROFESSIONALS),
        **fields,
    )


def structured(html: str) -> list[dict]:
    """Every JSON-LD item of the page, however the scripts group them."""
    marker = '<script type="application/ld+json">'
    items, start = [], html.find(marker)
    while start != -1:
        end = html.index("</script>", start)
        data = json.loads(html[start + len(marker) : end])
        items.extend(data if isinstance(data, list) else data.get("@graph", [data]))
        start = html.find(marker, end)
    return items


def test_anonymous_reader_sees_title_standfirst_and_gate_never_the_body(client):
    article = reserved()
    html = client.get(article.get_absolute_url()).content.decode()
    assert article.title in html
    assert article.standfirst in html
    assert "Contenuto riservato agli operatori sanitari" in html
    assert "Zentrolix" not in html
    assert "Una frase riservata" not in html


def test_reserved_article_marked_not_free_in_structured_data(client):
    article = reserved()
    html = client.get(article.get_absolute_url()).content.decode()
    news = next(item for item in structured(html) if item["@type"] == "NewsArticle")
    assert news["isAccessibleForFree"] is False
    assert news["hasPart"]["isAccessibleForFree"] is False
    public = ArticleFactory()
    html = client.get(public.get_absolute_url()).content.decode()
    news = next(item for item in structured(html) if item["@type"] == "NewsArticle")
    assert "isAccessibleForFree" not in news


def test_page_is_the_same_for_a_verified_reader_so_it_stays_cacheable(client):
    """The article page never varies by reader: the body comes from the private fragment."""
    article = reserved()
    anonymous = client.get(article.get_absolute_url()).content
    profile = ProfessionalProfileFactory(verified=True)
    client.force_login(profile.user)
    response = client.get(article.get_absolute_url())
    assert b"Zentrolix" not in response.content
    assert response.content.count(b"Contenuto riservato") == anonymous.count(b"Contenuto riservato")


def test_through_the_edge_the_page_asks_for_the_body_by_esi(client):
    article = reserved()
    response = client.get(article.get_absolute_url(), HTTP_SURROGATE_CAPABILITY='s33="ESI/1.0"')
    html = response.content.decode()
    assert response["Surrogate-Control"] == 'content="ESI/1.0"'
    assert f'<esi:include src="/account/profilo/riservato/{article.pk}/?frammento=1"/>' in html
    assert "Zentrolix" not in html


def fragment(client, article):
    return client.get(f"/account/profilo/riservato/{article.pk}/?frammento=1")


def test_verified_professional_receives_the_body_privately(client):
    article = reserved()
    profile = ProfessionalProfileFactory(verified=True)
    client.force_login(profile.user)
    response = fragment(client, article)
    assert SECRET in response.content.decode()
    assert {"private", "no-store"} <= {v.strip() for v in response["Cache-Control"].split(",")}


def test_anonymous_and_unverified_readers_get_the_gate_from_the_fragment(client):
    article = reserved()
    response = fragment(client, article)
    assert "Zentrolix" not in response.content.decode()
    assert "Accedi o registrati" in response.content.decode()
    # The same gate for every anonymous reader: the edge may keep it.
    assert response["Cache-Control"].startswith("public")
    declared = ProfessionalProfileFactory()
    client.force_login(declared.user)
    response = fragment(client, article)
    assert "Zentrolix" not in response.content.decode()
    assert "Vai al tuo profilo" in response.content.decode()


def signed_in_reader(client, profile):
    """Signs the reader in through the login form, as readers do (django-allauth)."""
    response = client.post(
        "/account/login/", {"login": profile.user.email, "password": "password-di-prova"}
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("engine", "queries"),
    [
        # Production with Redis: the session comes from the cache.
        ("django.contrib.sessions.backends.cached_db", 2),
        # Without Redis, one more query reads the session.
        ("django.contrib.sessions.backends.db", 3),
    ],
)
def test_reserved_body_costs_the_article_and_the_reader_with_their_profile(
    client, settings, django_assert_num_queries, engine, queries
):
    """The one origin request of a verified reader reads the article, and the user
    with their profile in a single query (readers/backends.py)."""
    settings.SESSION_ENGINE = engine
    article = reserved()
    signed_in_reader(client, ProfessionalProfileFactory(verified=True))
    with django_assert_num_queries(queries):
        response = fragment(client, article)
    assert SECRET in response.content.decode()
    assert {"private", "no-store"} <= {v.strip() for v in response["Cache-Control"].split(",")}


def test_reader_without_a_profile_gets_the_gate_and_no_profile_query(
    client, django_assert_num_queries
):
    article = reserved()
    reader = ReaderFactory()
    client.post("/account/login/", {"login": reader.email, "password": "password-di-prova"})
    with django_assert_num_queries(3):  # session, article, user (no profile)
        response = fragment(client, article)
    assert "Zentrolix" not in response.content.decode()
    assert "Vai al tuo profilo" in response.content.decode()


def test_medico_only_article_stays_gated_for_a_farmacista(client):
    article = reserved(audience=Article.Audience.PROFESSIONS, audience_professions=["medico"])
    farmacista = ProfessionalProfileFactory(verified=True, profession="farmacista")
    client.force_login(farmacista.user)
    assert "Zentrolix" not in fragment(client, article).content.decode()
    medico = ProfessionalProfileFactory(verified=True, profession="medico")
    client.force_login(medico.user)
    assert "Zentrolix" in fragment(client, article).content.decode()


def test_expired_verification_no_longer_opens_the_body(client):
    article = reserved()
    profile = ProfessionalProfileFactory(
        verified=True, verified_until=timezone.now() - timedelta(minutes=1)
    )
    client.force_login(profile.user)
    assert "Zentrolix" not in fragment(client, article).content.decode()


def test_self_declaration_opens_low_risk_content_only_when_accepted(client, settings):
    article = reserved()
    promotion = reserved(is_medicine_promotion=True, slug="promozione")
    profile = ProfessionalProfileFactory(self_declaration=True)
    client.force_login(profile.user)
    assert "Zentrolix" not in fragment(client, article).content.decode()
    settings.READERS_ACCEPT_SELF_DECLARATION = True
    assert "Zentrolix" in fragment(client, article).content.decode()
    # Never for prescription-medicine promotion.
    assert "Zentrolix" not in fragment(client, promotion).content.decode()


def test_reserved_page_without_an_edge_is_private_and_gated_for_others(client):
    article = reserved()
    response = client.get(f"/account/profilo/riservato/{article.pk}/")
    assert response.status_code == 403
    assert "Zentrolix" not in response.content.decode()
    profile = ProfessionalProfileFactory(verified=True)
    client.force_login(profile.user)
    response = client.get(f"/account/profilo/riservato/{article.pk}/")
    assert response.status_code == 200
    assert SECRET in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex"


def test_public_article_has_no_reserved_page(client):
    article = ArticleFactory()
    assert client.get(f"/account/profilo/riservato/{article.pk}/").status_code == 404


# Leaks, item by item -------------------------------------------------------------


def test_feeds_carry_no_reserved_body(client):
    reserved()
    for address in ("/feed/", "/feed/atom/"):
        response = client.get(address)
        assert response.status_code == 200
        assert b"anticoagulanti" in response.content
        assert b"Zentrolix" not in response.content


def test_sitemaps_carry_no_reserved_text(client):
    reserved()
    for address in ("/sitemap.xml", "/sitemap-news.xml"):
        response = client.get(address)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"Zentrolix" not in content


def test_search_neither_finds_nor_quotes_a_reserved_body(client):
    article = reserved()
    response = client.get("/cerca/", {"q": "Zentrolix"})
    assert article.get_absolute_url() not in response.content.decode()
    response = client.get("/cerca/", {"q": "anticoagulanti"})
    html = response.content.decode()
    assert article.get_absolute_url() in html
    assert "Zentrolix" not in html and "Posologia" not in html


def test_search_vector_drops_the_body_when_an_article_becomes_reserved(client):
    article = ArticleFactory(body=f"<p>{SECRET}</p>")
    url = article.get_absolute_url()
    assert url in client.get("/cerca/", {"q": "Zentrolix"}).content.decode()
    article.audience = Article.Audience.PROFESSIONALS
    article.save()
    assert url not in client.get("/cerca/", {"q": "Zentrolix"}).content.decode()


def test_opengraph_description_is_the_standfirst(client):
    article = reserved()
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'<meta property="og:description" content="{article.standfirst}">' in html


# Prescription-medicine promotion ------------------------------------------------


def test_prescription_medicine_promotion_cannot_be_published_to_the_public():
    editor = EditorFactory()
    article = ArticleFactory(
        in_review=True, is_medicine_promotion=True, is_sponsored=True, sponsor_name="Farma SpA"
    )
    with pytest.raises(services.PublishCheckFailed) as refused:
        services.article_publish(article=article, by=editor, override_reason="Lo voglio lo stesso")
    assert refused.value.overridable is False
    assert "219/2006" in refused.value.problems[0]
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    article.audience = Article.Audience.PROFESSIONALS
    article.is_health_content = False
    article.save()
    ArticleAuthor.objects.create(article=article, author=AuthorFactory())
    services.article_publish(article=article, by=editor)
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED


def test_admin_form_refuses_a_public_prescription_medicine_promotion(client):
    from tests.articles.admin_helpers import article_post
    from tests.conftest import admin_path

    editor = EditorFactory()
    client.force_login(editor)
    article = ArticleFactory(draft=True)
    data = article_post(article, is_medicine_promotion="on", audience="public")
    response = client.post(admin_path(f"articles/article/{article.pk}/change/"), data)
    assert response.status_code == 200
    assert "non può essere rivolta al pubblico" in response.content.decode()
    article.refresh_from_db()
    assert article.is_medicine_promotion is False


def test_professions_audience_needs_a_profession(client):
    from tests.articles.admin_helpers import article_post
    from tests.conftest import admin_path

    client.force_login(EditorFactory())
    article = ArticleFactory(draft=True)
    data = article_post(article, audience="professions")
    response = client.post(admin_path(f"articles/article/{article.pk}/change/"), data)
    assert "Scegli almeno una professione" in response.content.decode()
    data = article_post(article, audience="professions", audience_professions=["medico"])
    response = client.post(admin_path(f"articles/article/{article.pk}/change/"), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.audience_professions == ["medico"]


def test_readers_never_reach_the_admin(client):
    reader = ReaderFactory()
    client.force_login(reader)
    from tests.conftest import admin_path

    response = client.get(admin_path())
    assert response.status_code == 302
    assert ProfessionalProfile.objects.count() == 0
