"""Search: Italian full-text with accents folded, ranking, highlights, filters,
suggestions, and a page (never a 500) whatever the reader types."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Publisher
from articles.search import clean_query, highlight, suggest, update_search_vectors
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db

SEARCH_QUERIES = 5  # masthead, navigation, sections for the filter, count, page


@pytest.fixture(autouse=True)
def publisher():
    return Publisher.objects.create()


def search(client, **params):
    response = client.get("/cerca/", params)
    assert response.status_code == 200
    return response


def found(response) -> list[Article]:
    return list(response.context["articles"])


def test_finds_words_by_their_stem_and_without_accents(client):
    article = ArticleFactory(
        title="Perché le vaccinazioni pediatriche sono in calo", body="<p>Dati ISS.</p>"
    )
    ArticleFactory(title="Ospedali e liste d'attesa")
    assert found(search(client, q="vaccinazione")) == [article]
    assert found(search(client, q="perche vaccinazioni")) == [article]
    assert found(search(client, q="PEDIATRICA")) == [article]


def test_title_weighs_more_than_standfirst_and_body(client):
    now = timezone.now()
    in_body = ArticleFactory(
        title="Notizia", standfirst="", body="<p>Parla di emofilia.</p>", publish_at=now
    )
    in_standfirst = ArticleFactory(title="Altro", standfirst="Sull'emofilia.", publish_at=now)
    in_title = ArticleFactory(title="Emofilia, la terapia genica", publish_at=now)
    assert found(search(client, q="emofilia")) == [in_title, in_standfirst, in_body]


def test_recent_articles_rank_above_equally_relevant_old_ones(client):
    old = ArticleFactory(title="Vaccino antinfluenzale", publish_at=timezone.now() - timedelta(700))
    new = ArticleFactory(title="Vaccino antinfluenzale", publish_at=timezone.now() - timedelta(2))
    assert found(search(client, q="vaccino")) == [new, old]


def test_only_the_newest_matches_are_ranked(client, monkeypatch):
    """A common word matches thousands of articles: the newest CANDIDATES are ranked."""
    monkeypatch.setattr("articles.search.CANDIDATES", 3)
    now = timezone.now()
    newest = [
        ArticleFactory(title="Notizia", body="<p>Parla di emofilia.</p>", publish_at=now),
        ArticleFactory(title="Emofilia: nuove cure", publish_at=now - timedelta(1)),
        ArticleFactory(title="Altro", standfirst="Emofilia.", publish_at=now - timedelta(2)),
    ]
    ArticleFactory(title="Emofilia, emofilia", publish_at=now - timedelta(3))
    response = search(client, q="emofilia")
    assert response.context["paginator"].count == 3
    assert found(response) == [newest[1], newest[2], newest[0]]


def test_tags_are_searchable_and_kept_current(client):
    article = ArticleFactory(title="Un titolo qualunque")
    assert found(search(client, q="oncologia")) == []
    article.tags.add("oncologia")
    assert found(search(client, q="oncologia")) == [article]
    article.tags.remove("oncologia")
    assert found(search(client, q="oncologia")) == []


def test_saving_an_article_refreshes_its_vector(client):
    article = ArticleFactory(title="Prima versione")
    article.title = "Seconda stesura sull'obesità"
    article.save()
    assert found(search(client, q="obesita")) == [article]
    assert found(search(client, q="versione")) == []


def test_update_search_vectors_is_one_statement_for_a_batch():
    articles = ArticleFactory.create_batch(5)
    Article.objects.update(search_vector=None)
    with CaptureQueriesContext(connection) as queries:
        assert update_search_vectors([a.pk for a in articles]) == 5
    assert len(queries) == 1
    assert not Article.objects.filter(search_vector=None).exists()


def test_unpublished_articles_are_never_found(client):
    ArticleFactory(title="Embargo sul vaccino", scheduled=True)
    ArticleFactory(title="Bozza sul vaccino", draft=True)
    ArticleFactory(title="Ritirato sul vaccino", unpublished=True)
    assert found(search(client, q="vaccino")) == []


def test_highlights_are_escaped_and_marked(client):
    ArticleFactory(
        title="<script>alert(1)</script> Vaccino & salute",
        body="<p>Il vaccino è sicuro &lt;b&gt;davvero&lt;/b&gt;.</p>",
    )
    html = search(client, q="vaccino").content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Vaccino</mark> &amp; salute" in html
    assert "Il <mark>vaccino</mark> è sicuro &lt;b&gt;davvero" in html


def test_highlight_keeps_only_its_own_markup():
    assert highlight("a \ue000b\ue001 <i>c</i>") == "a <mark>b</mark> &lt;i&gt;c&lt;/i&gt;"
    assert highlight("<p>x &amp; y</p>", from_html=True) == "x &amp; y"


def test_filters_by_section_including_sub_sections(client):
    farmaci = SectionFactory(slug="farmaci", name="Farmaci")
    biotech = SectionFactory(slug="biotech", parent=farmaci)
    ricerca = SectionFactory(slug="ricerca")
    a = ArticleFactory(title="Anticorpi monoclonali", section=farmaci)
    b = ArticleFactory(title="Anticorpi bispecifici", section=biotech)
    ArticleFactory(title="Anticorpi e ricerca", section=ricerca)
    assert set(found(search(client, q="anticorpi", sezione="farmaci"))) == {a, b}
    assert len(found(search(client, q="anticorpi", sezione="sconosciuta"))) == 3


def test_filters_by_date_range(client):
    def on(day):
        return timezone.make_aware(datetime(2025, 3, day, 12))

    ArticleFactory(title="Tumore del polmone", publish_at=on(1))
    inside = ArticleFactory(title="Tumore del polmone", publish_at=on(10))
    ArticleFactory(title="Tumore del polmone", publish_at=on(20))
    assert found(search(client, q="tumore", dal="2025-03-05", al="2025-03-15")) == [inside]
    assert found(search(client, q="tumore", dal="2025-03-10", al="2025-03-10")) == [inside]


def test_bad_dates_are_reported_in_italian_and_ignored(client):
    ArticleFactory(title="Tumore del polmone")
    response = search(client, q="tumore", dal="ieri", al="2025-01-01")
    html = response.content.decode()
    assert "Inserisci una data valida." in html
    response = search(client, q="tumore", dal="2025-02-01", al="2025-01-01")
    assert "La data finale viene prima di quella iniziale." in response.content.decode()
    assert len(found(response)) == 1


def test_results_are_paginated_with_filters_kept(client, django_assert_num_queries):
    section = SectionFactory(slug="ricerca")
    for _ in range(23):
        ArticleFactory(title="Ricerca sul diabete", section=section)
    with django_assert_num_queries(SEARCH_QUERIES):
        response = search(client, q="diabete", sezione="ricerca")
    html = response.content.decode()
    assert response.context["paginator"].count == 23
    assert 'href="?q=diabete&amp;sezione=ricerca&amp;page=2"' in html
    page2 = search(client, q="diabete", sezione="ricerca", page=2)
    assert len(found(page2)) == 3


def test_search_query_count_does_not_grow_with_results(client, django_assert_num_queries):
    ArticleFactory(title="Diabete")
    with django_assert_num_queries(SEARCH_QUERIES):
        search(client, q="diabete")


def test_suggests_a_correction_when_nothing_matches(client, django_assert_num_queries):
    ArticleFactory(title="Vaccino antinfluenzale, la campagna parte in anticipo")
    # The suggestion replaces the page query, which an empty result does not need.
    with django_assert_num_queries(SEARCH_QUERIES):
        response = search(client, q="vacino antinfluenzle")
    html = response.content.decode()
    assert response.context["suggestion"] == "vaccino antinfluenzale"
    assert "Forse cercavi" in html and 'href="/cerca/?q=vaccino%20antinfluenzale"' in html


def test_no_suggestion_for_unrelated_words():
    ArticleFactory(title="Vaccino antinfluenzale")
    assert suggest("zzzzqqq") is None
    assert suggest("") is None
    assert suggest("!!!") is None


def test_empty_search_shows_the_form_only(client, django_assert_num_queries):
    with django_assert_num_queries(3):
        response = search(client)
    assert "Cerca nel sito" in response.content.decode()
    assert search(client, q="   ").context["query"] == ""


@pytest.mark.parametrize(
    "query",
    [
        '"vaccino antinfluenzale"',
        '"virgolette non chiuse',
        "vaccino OR diabete",
        "-vaccino",
        "vaccino -",
        "& | ! ( ) : * <-> \\",
        "'; DROP TABLE articles_article; --",
        "%_%",
        "a" * 5000,
        "vaccino " * 800,
        "\x00\x01null\x7f",
        "😷🦠💉",
        "مرحبا שלום",
        "Ünïcödé ℌ𝔢𝔩𝔩𝔬 ﬁ",
        "\u202e\u200b\ufeff",
        "\uffff",
        "<script>alert(1)</script>",
        "of the and il la di",
    ],
)
def test_any_input_gives_a_page(client, query):
    ArticleFactory(title="Vaccino antinfluenzale")
    response = search(client, q=query, page="1")
    assert "Cerca" in response.content.decode()


@pytest.mark.parametrize(
    "params", [{"q": "x", "page": "abc"}, {"q": "x", "page": "99"}, {"q": "x", "dal": "9999-99-99"}]
)
def test_odd_parameters_never_fail_with_500(client, params):
    ArticleFactory(title="Vaccino")
    assert client.get("/cerca/", params).status_code in (200, 404)


@pytest.mark.parametrize(
    "query_string",
    [
        "q=" + "vaccino%20" * 3000,  # 30 KB of query
        "q=%26%7C%21%28%29%3A%2A%3C-%3E",  # only tsquery operators
        "q=%22%22%22",
        "q=-",
        "q=OR%20AND%20NOT",
        "q=%27%20OR%201%3D1%3B%20--",
        "q=%25",
        "q=%25%25%5F",
        "q=%5C",
        "q=%5C%5C%27%5C%22",
        "q=%5Cud800",  # a surrogate spelled out
        "q=%ED%A0%80",  # a lone surrogate encoded in UTF-8 (not UTF-8 at all)
        "q=%ED%B0%80vaccino",
        "q=%ff%fe",
        "q=%00",
        "q=%00vaccino%00",
        "q=%c3",
        "q=vaccino&q=%00",
        "q[]=vaccino",
    ],
)
def test_raw_query_strings_of_any_shape_give_a_page(client, query_string):
    ArticleFactory(title="Vaccino antinfluenzale")
    response = client.get(f"/cerca/?{query_string}")
    assert response.status_code == 200
    assert "Cerca" in response.content.decode()


def test_nul_and_broken_bytes_around_a_word_still_find_it(client):
    article = ArticleFactory(title="Vaccino antinfluenzale")
    assert found(client.get("/cerca/?q=%00vaccino%00")) == [article]
    assert found(client.get("/cerca/?q=%ED%A0%80vaccino")) == [article]


def test_clean_query_bounds_length_and_strips_control_characters():
    assert clean_query("  a\x00b\tc  ") == "a b c"
    assert len(clean_query("x" * 5000)) == 200
    assert clean_query(None) == ""


def test_search_phrase_and_exclusion_operators(client):
    both = ArticleFactory(title="Vaccino antinfluenzale per anziani")
    other = ArticleFactory(title="Vaccino contro il papilloma")
    assert found(search(client, q='"vaccino antinfluenzale"')) == [both]
    assert found(search(client, q="vaccino -papilloma")) == [both]
    assert set(found(search(client, q="antinfluenzale OR papilloma"))) == {both, other}


def test_titles_are_highlighted_whole(client):
    ArticleFactory(title="Liste d'attesa nelle Regioni (2)")
    html = search(client, q="regioni").content.decode()
    assert "Liste d&#x27;attesa nelle <mark>Regioni</mark> (2)" in html or (
        "Liste d'attesa nelle <mark>Regioni</mark> (2)" in html
    )


def test_snippets_from_mid_text_start_with_an_ellipsis(client):
    ArticleFactory(
        title="Titolo",
        standfirst="Sommario breve.",
        body="<p>" + "Parole di riempimento senza interesse. " * 20 + "Qui il glaucoma.</p>",
    )
    snippet = search(client, q="glaucoma").context["articles"][0].snippet_html
    assert snippet.startswith("… ") and "<mark>glaucoma</mark>" in snippet
