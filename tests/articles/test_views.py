"""Reader pages: what they show, what they hide, and their exact query cost.

Query counts are measured with a cold cache (the masthead and the section
tree are read once, then cached), so a warm page costs fewer.
"""

from datetime import datetime, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticlePerson, Publisher, RelatedArticle
from edgecache.purge import purge_tags
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CorrectionFactory,
    PersonFactory,
    SectionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

# Per page: masthead (1) + navigation (1) + what the page itself reads.
HOME_QUERIES = 5  # + section tree, block ids (one UNION), cards
SECTION_QUERIES = 7  # + section with parent and children, tree, featured, count, page
ARTICLE_QUERIES = 3  # + article with everything, its related list and same-section fallback
LIST_QUERIES = 5  # + the author/person/tag, count, page
ARCHIVE_QUERIES = 4  # + count, page


@pytest.fixture(autouse=True)
def publisher():
    return Publisher.objects.create(
        site_name="Sanità33",
        company_name="Edizioni Salute Italia S.r.l.",
        vat_number="01234567890",
        registered_office="Via della Scrofa 14, Roma",
        editor_in_chief="Laura Ferri",
        court_registration="Tribunale di Roma n. 123",
        x_url="https://x.com/sanita33",
    )


def rich_article(n_extra: int = 0, **kwargs) -> Article:
    """An interview with authors, people, tags, sources, corrections and related articles."""
    section = kwargs.pop("section", None) or SectionFactory(name="Farmaci", slug="farmaci")
    authors = [AuthorFactory() for _ in range(1 + n_extra)]
    people = [PersonFactory() for _ in range(1 + n_extra)]
    article = ArticleFactory(
        section=section,
        kind=Article.Kind.INTERVIEW,
        highlighted_quote="La prevenzione è il farmaco migliore.",
        authors=authors,
        tags=[f"tema {i}" for i in range(1 + n_extra)],
        **kwargs,
    )
    for position, person in enumerate(people):
        ArticlePerson.objects.create(
            article=article,
            person=person,
            role=ArticlePerson.Role.INTERVIEWEE if position == 0 else ArticlePerson.Role.QUOTED,
            position=position,
        )
    for i in range(1 + n_extra):
        SourceFactory(article=article, title=f"Fonte {i}")
        CorrectionFactory(article=article, note=f"Correzione {i}")
        target = ArticleFactory(section=section)
        RelatedArticle.objects.create(article=article, target=target, position=i)
    return article


@pytest.mark.smoke
def test_home_shows_lead_sections_latest_and_newsletter(client, django_assert_num_queries):
    farmaci = SectionFactory(name="Farmaci", slug="farmaci", position=1)
    ricerca = SectionFactory(name="Ricerca", slug="ricerca", position=2)
    biotech = SectionFactory(name="Biotech", slug="biotech", parent=farmaci)
    lead = ArticleFactory(section=farmaci, is_featured=True, priority=50, title="L'apertura")
    in_sub = ArticleFactory(section=biotech, title="Notizia dalla sottosezione")
    two_days_ago = timezone.now() - timedelta(days=2)
    ArticleFactory.create_batch(6, section=ricerca, publish_at=two_days_ago)
    ArticleFactory.create_batch(6, section=farmaci, publish_at=two_days_ago)
    ArticleFactory(section=ricerca, draft=True, title="Bozza segreta")
    ArticleFactory(section=ricerca, scheduled=True, title="Sotto embargo")
    with django_assert_num_queries(HOME_QUERIES):
        response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert lead.title.replace("'", "&#x27;") in html
    assert 'id="blocco-farmaci"' in html and 'id="blocco-ricerca"' in html
    assert in_sub.title in html  # sub-section stories appear in the parent's block
    assert "Bozza segreta" not in html and "Sotto embargo" not in html
    assert "Ultime notizie" in html
    assert "Rimani aggiornato: iscriviti alla newsletter" in html
    assert reverse("newsletter:subscribe") in html
    assert "P.IVA" in html and "01234567890" in html and "Laura Ferri" in html


def test_home_query_count_does_not_grow_with_sections(client, django_assert_num_queries):
    for i in range(6):
        section = SectionFactory(position=i)
        ArticleFactory.create_batch(2, section=section, authors=[AuthorFactory(), AuthorFactory()])
    with django_assert_num_queries(HOME_QUERIES):
        assert client.get("/").status_code == 200


def test_home_without_articles_says_so(client):
    response = client.get("/")
    assert "Non ci sono ancora articoli pubblicati." in response.content.decode()


def test_a_scheduled_article_reaches_the_home_page_when_its_time_comes(
    client, monkeypatch, no_page_cache
):
    """The home page's query takes the current time on every request.

    Without the page cache: what purges the cached home at that moment is
    tested in tests/edgecache/test_freshness.py.
    """
    ArticleFactory(title="Già pubblicato")
    scheduled = ArticleFactory(title="In arrivo", publish_at=timezone.now() + timedelta(hours=1))
    assert scheduled.title not in client.get("/").content.decode()
    later = timezone.now() + timedelta(hours=2)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    assert scheduled.title in client.get("/").content.decode()


def test_section_page_featured_subsections_and_pagination(client, django_assert_num_queries):
    farmaci = SectionFactory(name="Farmaci", slug="farmaci")
    SectionFactory(name="Biotech", slug="biotech", parent=farmaci)
    SectionFactory(name="Spenta", slug="spenta", parent=farmaci, is_active=False)
    now = timezone.now()
    featured = ArticleFactory(
        section=farmaci, is_featured=True, title="Storia in evidenza", publish_at=now
    )
    for i in range(25):
        ArticleFactory(section=farmaci, publish_at=now - timedelta(hours=i + 2))
    with django_assert_num_queries(SECTION_QUERIES):
        response = client.get("/farmaci/")
    html = response.content.decode()
    assert response.context["featured"] == featured
    assert 'aria-label="Sottosezioni di Farmaci"' in html and "Biotech" in html
    assert "Spenta" not in html
    assert len(response.context["articles"]) == 19  # the featured story is not repeated
    assert featured not in response.context["articles"]
    assert 'href="?page=2"' in html
    page2 = client.get("/farmaci/?page=2")
    assert page2.status_code == 200
    assert page2.context["featured"] is None
    assert len(page2.context["articles"]) == 6
    assert "<title>Farmaci — pagina 2 — Sanità33</title>" in page2.content.decode()
    assert client.get("/farmaci/?page=9").status_code == 404


def test_section_page_includes_sub_sections_articles(client):
    farmaci = SectionFactory(slug="farmaci")
    biotech = SectionFactory(slug="biotech", parent=farmaci)
    article = ArticleFactory(section=biotech)
    assert article in client.get("/farmaci/").context["articles"]


def test_unknown_or_inactive_section_is_an_italian_404(client):
    SectionFactory(slug="chiusa", is_active=False)
    for path in ("/chiusa/", "/inesistente/"):
        response = client.get(path)
        assert response.status_code == 404
        assert "Pagina non trovata" in response.content.decode()


@pytest.mark.smoke
def test_article_page_shows_every_part(client, django_assert_num_queries):
    article = rich_article(
        title="Intervista sulla prevenzione",
        publish_at=timezone.make_aware(datetime(2025, 2, 7, 10, 0)),
        material_update_at=timezone.make_aware(datetime(2025, 2, 9, 18, 0)),
        lead_image_alt="Un ambulatorio",
        lead_image_caption="Un ambulatorio di Milano",
        lead_image_credit="Foto Rossi",
    )
    article.lead_image.name = "articles/2025/02/foto.jpg"
    article.save()
    author = article.article_authors.get().author
    interviewee = article.article_people.get(role="interviewee").person
    with django_assert_num_queries(ARTICLE_QUERIES):
        response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="story__title">Intervista sulla prevenzione</h1>' in html
    assert ">7 febbraio 2025</time>" in html
    assert "Aggiornato il <time" in html and ">9 febbraio 2025</time>" in html
    assert f'href="/autori/{author.slug}/" rel="author">{author.name}</a>' in html
    assert f'href="/persone/{interviewee.slug}/">{interviewee.name}</a>' in html
    assert interviewee.organisation in html
    assert "La prevenzione è il farmaco migliore." in html
    assert 'alt="Un ambulatorio"' in html and "Un ambulatorio di Milano" in html
    assert "Foto Rossi" in html
    assert "Fonti" in html and "Fonte 0" in html
    assert "Correzioni" in html and "Correzione 0" in html
    assert 'href="/tag/tema-0/"' in html
    assert "facebook.com/sharer" in html and "https://x.com/sanita33" in html
    assert "Rimani aggiornato: iscriviti alla newsletter" in html
    assert "Potrebbero interessarti anche" in html
    assert "Contenuto sponsorizzato" not in html


def test_article_page_query_count_is_constant(client, django_assert_num_queries):
    small = rich_article(section=SectionFactory(slug="a"))
    large = rich_article(n_extra=6, section=SectionFactory(slug="b"))
    assert len(large.tags.all()) == 7
    for article in (small, large):
        cache.clear()
        with django_assert_num_queries(ARTICLE_QUERIES):
            assert client.get(article.get_absolute_url()).status_code == 200


def test_related_block_falls_back_to_newest_of_the_section(client, django_assert_num_queries):
    section = SectionFactory()
    older = ArticleFactory(section=section, publish_at=timezone.now() - timedelta(days=3))
    newer = ArticleFactory(section=section, publish_at=timezone.now() - timedelta(days=2))
    ArticleFactory(title="Altra sezione")
    ArticleFactory(section=section, draft=True, title="Bozza vicina")
    article = ArticleFactory(section=section)
    # One more query than a page with its related list: the section's newest.
    with django_assert_num_queries(ARTICLE_QUERIES + 1):
        response = client.get(article.get_absolute_url())
    assert [item.get_absolute_url() for item in response.context["related"]] == [
        newer.get_absolute_url(),
        older.get_absolute_url(),
    ]
    html = response.content.decode()
    assert newer.standfirst in html
    assert "Bozza vicina" not in html and "Altra sezione" not in html


def test_stored_related_list_wins_over_the_fallback(client):
    article = rich_article()
    stored = [entry.target.get_absolute_url() for entry in article.related_entries.all()]
    related = client.get(article.get_absolute_url()).context["related"]
    assert [item.get_absolute_url() for item in related] == stored


def test_sponsored_articles_are_labelled_everywhere(client):
    section = SectionFactory(slug="ricerca")
    sponsored = ArticleFactory(section=section, is_sponsored=True, sponsor_name="Fondazione X")
    plain = ArticleFactory(section=section)
    for path in ("/", "/ricerca/", sponsored.get_absolute_url(), plain.get_absolute_url()):
        assert "Contenuto sponsorizzato" in client.get(path).content.decode(), path
    assert "Fondazione X" in client.get(sponsored.get_absolute_url()).content.decode()


@pytest.mark.parametrize("trait", ["draft", "in_review", "scheduled", "unpublished"])
def test_unpublished_article_is_not_found(client, trait):
    article = ArticleFactory(**{trait: True})
    assert client.get(article.get_absolute_url()).status_code == 404


def test_article_under_another_section_redirects_to_its_address(client):
    article = ArticleFactory()
    response = client.get(f"/altra-sezione/{article.slug}/")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_author_page_lists_their_articles(client, django_assert_num_queries):
    author = AuthorFactory(name="Giulia Conti", bio="Scrive di farmaci.")
    mine = ArticleFactory(authors=[author, AuthorFactory()])
    ArticleFactory(title="Di un altro")
    ArticleFactory(authors=[author], draft=True, title="Bozza mia")
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(author.get_absolute_url())
    html = response.content.decode()
    assert list(response.context["articles"]) == [mine]
    assert "Giulia Conti" in html and "Scrive di farmaci." in html
    assert "Bozza mia" not in html
    assert client.get("/autori/nessuno/").status_code == 404


def test_person_page_lists_articles_with_them(client, django_assert_num_queries):
    person = PersonFactory(name="Cristina Moretti", organisation="Policlinico di Milano")
    article = ArticleFactory(people=[person])
    ArticleFactory()
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(person.get_absolute_url())
    assert list(response.context["articles"]) == [article]
    assert "Policlinico di Milano" in response.content.decode()


def test_section_pages_show_every_article_once_newest_first(client):
    section = SectionFactory(slug="ricerca")
    now = timezone.now()
    # Created oldest-first and with shuffled times, so id order is not date order.
    hours = [7, 3, 22, 15, 0, 11, 19, 5, 26, 9, 14, 1, 24, 17, 8, 20, 2, 12, 25, 6, 16, 4, 23]
    articles = [ArticleFactory(section=section, publish_at=now - timedelta(hours=h)) for h in hours]
    newest_first = sorted(articles, key=lambda a: a.publish_at, reverse=True)
    shown = [
        *client.get("/ricerca/").context["articles"],
        *client.get("/ricerca/?page=2").context["articles"],
    ]
    assert shown == newest_first


def test_tag_page_is_paginated(client, django_assert_num_queries):
    for _ in range(21):
        ArticleFactory(tags=["vaccini"], authors=[AuthorFactory()])
    ArticleFactory(tags=["altro"])
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get("/tag/vaccini/")
    assert response.context["paginator"].count == 21
    assert len(client.get("/tag/vaccini/?page=2").context["articles"]) == 1
    assert client.get("/tag/inesistente/").status_code == 404


def test_archive_month_lists_that_month_only(client, django_assert_num_queries):
    feb = ArticleFactory(publish_at=timezone.make_aware(datetime(2025, 2, 28, 23, 30)))
    ArticleFactory(publish_at=timezone.make_aware(datetime(2025, 3, 1, 0, 30)))
    with django_assert_num_queries(ARCHIVE_QUERIES):
        response = client.get("/archivio/2025/02/")
    html = response.content.decode()
    assert list(response.context["articles"]) == [feb]
    assert "Febbraio 2025" in html
    assert 'href="/archivio/2025/01/"' in html and 'href="/archivio/2025/03/"' in html
    assert client.get("/archivio/2025/13/").status_code == 404


def test_privacy_page_explains_no_tracking(client):
    response = client.get("/privacy/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Non usiamo cookie di profilazione" in html
    assert not response.cookies


def test_public_pages_set_no_cookies(client):
    article = ArticleFactory()
    for path in ("/", article.get_absolute_url(), f"/{article.section.slug}/", "/cerca/?q=x"):
        assert not client.get(path).cookies, path


def test_pages_have_landmarks_and_skip_link(client):
    html = client.get("/").content.decode()
    assert '<a class="skip-link" href="#contenuto">' in html
    assert '<main id="contenuto"' in html and "<header" in html and "<footer" in html
    assert '<html lang="it">' in html


def test_warm_article_page_reads_only_its_own_data(client, django_assert_num_queries):
    article = rich_article(n_extra=3)
    client.get(article.get_absolute_url())
    with django_assert_num_queries(0):
        assert client.get(article.get_absolute_url())["X-Cache"] == "HIT"
    purge_tags([f"article-{article.pk}"])
    with django_assert_num_queries(ARTICLE_QUERIES - 2):  # masthead and navigation cached
        assert client.get(article.get_absolute_url())["X-Cache"] == "MISS"


def test_server_error_page_is_italian_and_needs_no_context():
    from django.template.loader import get_template

    html = get_template("500.html").render({})
    assert "Si è verificato un errore" in html


def test_latest_column_shows_time_today_and_day_before(client):
    from articles.templatetags.articles import ora_o_giorno

    today = timezone.localtime().replace(hour=9, minute=5)
    assert ora_o_giorno(today) == "09:05"
    assert ora_o_giorno(timezone.make_aware(datetime(2025, 2, 7, 10))) == "7 feb"


def test_article_page_renders_for_a_draft_in_preview():
    """Preview views reuse this view with another queryset; a draft has no dates yet."""
    from django.test import RequestFactory

    from articles import pages
    from articles.views import ArticleDetailView

    class Preview(ArticleDetailView):
        def get_queryset(self):
            return pages.full_page(Article.objects.all())

    draft = ArticleFactory(draft=True, title="Bozza in anteprima")
    request = RequestFactory().get("/anteprima/")
    response = Preview.as_view()(request, pk=draft.pk)
    response.render()
    assert response.status_code == 200
    assert "Bozza in anteprima" in response.content.decode()


def test_article_query_applies_the_published_rule_at_each_call(client):
    """The published rule is applied with the time of each request."""
    soon = timezone.now() + timedelta(seconds=2)
    section = SectionFactory()
    scheduled = ArticleFactory(section=section, publish_at=soon)
    neighbour = ArticleFactory(section=section, publish_at=soon)
    assert client.get(scheduled.get_absolute_url()).status_code == 404
    Article.objects.filter(pk__in=[scheduled.pk, neighbour.pk]).update(
        publish_at=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(scheduled.get_absolute_url())
    assert response.status_code == 200
    assert [c.slug for c in response.context["related"]] == [neighbour.slug]
