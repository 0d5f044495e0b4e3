"""Related articles: stored lists, editor controls, sense rules, freshness, quality."""

from __future__ import annotations

import random
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from articles import related
from articles.models import (
    Article,
    ArticleLabel,
    RelatedArticle,
    RelatedExclusion,
    RelatedNeighbourhood,
    RelatedPin,
    RelatedTerm,
    RelatedTopicTerm,
)
from tests.conftest import admin_path
from tests.factories import ArticleFactory, PersonFactory, SectionFactory
from tests.related_corpus.baselines import baselines
from tests.related_corpus.generate import generate
from tests.related_corpus.load import load_records

pytestmark = pytest.mark.django_db

TOPICS = {
    "vaccini": (
        "vaccino vaccinazione antinfluenzale copertura richiamo anziani dose campagna "
        "morbillo immunizzazione calendario pediatri"
    ),
    "tumori": (
        "tumore oncologia chemioterapia immunoterapia screening metastasi radioterapia "
        "oncologo biopsia mammografia recidiva"
    ),
    "diabete": (
        "diabete glicemia insulina microinfusore sensore obesità emoglobina glicata "
        "dieta pancreas ipoglicemia endocrinologo"
    ),
    "cuore": (
        "infarto cardiologia scompenso aritmia stent ipertensione colesterolo "
        "fibrillazione coronarie cardiochirurgia defibrillatore"
    ),
}
GENERAL = (
    "regione ministero pazienti ospedale medici dati anno rapporto servizio sanitario "
    "nazionale studio esperti cittadini assistenza costi territorio governo"
).split()


def _word(rng: random.Random) -> str:
    """A made-up word: what each article says that no other does (names, places…)."""
    return "".join(rng.choice("bcdfglmnprstv") + rng.choice("aeiou") for _ in range(4))


def _text(rng: random.Random, topic: str, n: int = 90) -> str:
    own = TOPICS[topic].split()
    specific = [_word(rng) for _ in range(12)]
    words = []
    for _ in range(n):
        draw = rng.random()
        pool = own if draw < 0.35 else specific if draw < 0.65 else GENERAL
        words.append(rng.choice(pool))
    return " ".join(words)


def _article(rng, topic, n=0, **kwargs) -> Article:
    own = TOPICS[topic].split()
    defaults = {
        "title": f"{rng.choice(own).capitalize()} e {rng.choice(own)}: {rng.choice(GENERAL)} {n}",
        "slug": f"{topic}-{n}-{rng.randrange(10**9)}",
        "standfirst": _text(rng, topic, 15),
        "body": f"<p>{_text(rng, topic)}</p><p>{_text(rng, topic)}</p>",
        "publish_at": timezone.now() - timedelta(days=n + 1),
    }
    defaults.update(kwargs)
    return ArticleFactory(**defaults)


@pytest.fixture
def newsroom():
    """Eight articles per topic, all in one section."""
    rng = random.Random(7)
    section = SectionFactory(slug="notizie")
    return {topic: [_article(rng, topic, n, section=section) for n in range(8)] for topic in TOPICS}


def _topic_of(newsroom, article):
    return next(t for t, items in newsroom.items() if article in items)


def test_lists_pick_articles_on_the_same_subject(newsroom):
    related.recompute_all()
    for topic, articles in newsroom.items():
        for article in articles:
            picks = related.related_articles(article)
            assert len(picks) == 5
            assert article not in picks
            assert sum(_topic_of(newsroom, p) == topic for p in picks) >= 4


def test_page_reads_the_list_in_one_query(newsroom, django_assert_num_queries):
    related.recompute_all()
    article = Article.objects.get(pk=newsroom["tumori"][0].pk)
    with django_assert_num_queries(1):
        picks = related.related_articles(article)
        titles = [(p.title, p.section.slug) for p in picks]
    assert len(titles) == 5


def test_unpublished_or_embargoed_target_never_shows_even_before_refresh(newsroom):
    related.recompute_all()
    article = newsroom["cuore"][0]
    first, second = related.related_articles(article)[:2]
    # Plain UPDATEs: no signal, no task, the stored rows still point at them.
    Article.objects.filter(pk=first.pk).update(status=Article.Status.UNPUBLISHED)
    Article.objects.filter(pk=second.pk).update(publish_at=timezone.now() + timedelta(days=2))
    assert RelatedArticle.objects.filter(article=article, target__in=[first, second]).count() == 2
    picks = related.related_articles(article)
    assert first not in picks and second not in picks
    assert len(picks) == 5  # more are stored than shown, so the block stays full


def test_the_article_page_shows_the_stored_list_without_withdrawn_targets(newsroom, client):
    related.recompute_all()
    article = newsroom["cuore"][0]
    first, second = related.related_articles(article)[:2]
    Article.objects.filter(pk=first.pk).update(status=Article.Status.UNPUBLISHED)
    Article.objects.filter(pk=second.pk).update(publish_at=timezone.now() + timedelta(days=2))
    response = client.get(article.get_absolute_url())
    shown = [item.get_absolute_url() for item in response.context["related"]]
    html = response.content.decode()
    assert shown == [p.get_absolute_url() for p in related.related_articles(article)][:4]
    assert len(shown) == 4
    assert first.get_absolute_url() not in html and second.get_absolute_url() not in html


def test_a_scheduled_pick_joins_the_article_page_when_its_time_comes(
    newsroom, client, no_page_cache
):
    """The page's SQL compares with the database's clock on every request (without
    the page cache: the purge at that moment is tested in tests/edgecache/test_freshness.py)."""
    related.recompute_all()
    article = newsroom["cuore"][0]
    pick = related.related_articles(article)[0]
    due = timezone.now() + timedelta(seconds=1)
    Article.objects.filter(pk=pick.pk).update(publish_at=due)

    def shown():
        response = client.get(article.get_absolute_url())
        return [item.get_absolute_url() for item in response.context["related"]]

    assert pick.get_absolute_url() not in shown()
    time.sleep(max(0.0, (due - timezone.now()).total_seconds()) + 0.05)
    assert shown()[0] == pick.get_absolute_url()


def test_the_article_page_has_no_related_block_when_switched_off(newsroom, client):
    related.recompute_all()
    article = newsroom["cuore"][2]
    Article.objects.filter(pk=article.pk).update(related_enabled=False)
    response = client.get(article.get_absolute_url())
    assert response.context["related"] == []
    assert "Potrebbero interessarti anche" not in response.content.decode()


def test_pins_keep_their_positions_across_recomputation(newsroom):
    article = newsroom["vaccini"][0]
    off_topic = newsroom["diabete"][3]
    RelatedPin.objects.create(article=article, target=off_topic, position=2)
    related.recompute_all()
    related.recompute_all()
    picks = related.related_articles(article)
    assert picks[1] == off_topic
    assert picks.count(off_topic) == 1
    entry = RelatedArticle.objects.get(article=article, target=off_topic)
    assert entry.pinned is True
    assert entry.explanation() == "Scelto dalla redazione"


def test_excluded_articles_never_come_back(newsroom):
    related.recompute_all()
    article = newsroom["vaccini"][1]
    unwanted = related.related_articles(article)[0]
    RelatedExclusion.objects.create(article=article, target=unwanted)
    related.recompute_all()
    assert unwanted not in related.related_articles(article)
    related.save_related(article.pk)
    assert unwanted not in related.related_articles(article)


def test_switched_off_block_is_empty_without_a_query(newsroom, django_assert_num_queries):
    related.recompute_all()
    article = newsroom["cuore"][2]
    article.related_enabled = False
    with django_assert_num_queries(0):
        assert related.related_articles(article) == []


def test_near_duplicates_are_left_out(newsroom):
    original = newsroom["diabete"][0]
    copy = ArticleFactory(
        title=original.title + " aggiornamento",
        slug="copia-diabete",
        standfirst=original.standfirst,
        body=original.body,
        section=original.section,
    )
    related.recompute_all()
    assert copy not in related.related_articles(original, limit=10)
    assert original not in related.related_articles(copy, limit=10)
    for article in newsroom["diabete"][1:]:
        picks = related.related_articles(article, limit=10)
        assert not (original in picks and copy in picks)


def test_a_busy_days_story_keeps_all_its_updates(newsroom):
    """No cap per day's story: it cost precision on real news (README)."""
    rng = random.Random(3)
    day = timezone.now() - timedelta(days=3)
    story = "alluvione ospedale evacuato pazienti trasferiti elicottero protezione civile"
    reports = [
        ArticleFactory(
            title=f"Alluvione, ospedale evacuato: aggiornamento {n}",
            slug=f"alluvione-{n}",
            standfirst=story,
            body=f"<p>{story} {story} {story} {_text(rng, 'cuore', 30)}</p>",
            publish_at=day + timedelta(hours=n),
            section=newsroom["cuore"][0].section,
        )
        for n in range(5)
    ]
    related.recompute_all()
    vectors = related._vectors([r.pk for r in reports])
    closeness = related._dot(vectors[reports[1].pk], vectors[reports[2].pk])
    assert closeness < related.NEAR_DUPLICATE
    picks = related.related_articles(reports[0], limit=10)
    assert set(picks[:4]) == set(reports[1:])


def test_interviews_favour_articles_with_the_same_person(newsroom):
    rng = random.Random(11)
    person = PersonFactory(name="Anna Verdi")
    section = newsroom["tumori"][0].section
    interview = _article(rng, "tumori", 50, section=section, kind=Article.Kind.INTERVIEW)
    related.recompute_all()
    before = {e.target_id: e.score for e in RelatedArticle.objects.filter(article=interview)}
    with_person = Article.objects.get(pk=min(before, key=before.get))
    interview.people.add(person)
    with_person.people.add(person)
    related.recompute_all()
    entry = RelatedArticle.objects.get(article=interview, target=with_person)
    assert entry.reasons["people"] == ["Anna Verdi"]
    assert "stessa persona: Anna Verdi" in entry.explanation()
    assert entry.score >= before[with_person.pk] * 1.09


def test_reasons_name_shared_words_in_plain_italian(newsroom):
    related.recompute_all()
    article = newsroom["vaccini"][0]
    entry = RelatedArticle.objects.filter(article=article).first()
    assert entry.reasons["words"]
    text = entry.explanation()
    assert text.startswith("Parole in comune: ")
    assert "stessa sezione" in text


def test_publishing_refreshes_the_new_article_and_its_neighbours(
    newsroom, django_capture_on_commit_callbacks
):
    related.recompute_all()
    rng = random.Random(5)
    with django_capture_on_commit_callbacks(execute=True):
        fresh = _article(rng, "diabete", 0, slug="diabete-nuovo", publish_at=timezone.now())
    fresh_topics = [_topic_of(newsroom, p) for p in related.related_articles(fresh)]
    assert fresh_topics.count("diabete") >= 4
    pointing = RelatedArticle.objects.filter(target=fresh).values_list("article", flat=True)
    diabetes = {a.pk for a in newsroom["diabete"]}
    assert diabetes & set(pointing)

    with django_capture_on_commit_callbacks(execute=True):
        fresh.status = Article.Status.UNPUBLISHED
        fresh.save()
    assert not RelatedArticle.objects.filter(target=fresh).exists()
    assert not RelatedTerm.objects.filter(article=fresh).exists()
    assert not RelatedTopicTerm.objects.filter(article=fresh).exists()
    assert not RelatedNeighbourhood.objects.filter(article=fresh).exists()
    for pk in pointing:
        assert len(related.related_articles(Article.objects.get(pk=pk))) == 5


def _topics_and_neighbourhoods():
    return (
        sorted(RelatedTopicTerm.objects.values_list("article", "term", "weight")),
        sorted(RelatedNeighbourhood.objects.values_list("article", "nearest")),
    )


def test_topic_vectors_and_neighbourhoods_follow_publishing(
    newsroom, django_capture_on_commit_callbacks
):
    """Lists rank topic vectors (own terms plus the neighbours') and shared
    neighbours: a rebuild stores every article's, a publish refresh the new
    article's, and a refresh after a rebuild stores exactly what the rebuild did."""
    rng = random.Random(5)
    related.recompute_all()
    assert RelatedTopicTerm.objects.values("article").distinct().count() == 8 * len(TOPICS)
    assert RelatedNeighbourhood.objects.count() == 8 * len(TOPICS)
    with django_capture_on_commit_callbacks(execute=True):
        fresh = _article(rng, "diabete", 0, slug="diabete-nuovo", publish_at=timezone.now())
    published = RelatedTopicTerm.objects.filter(article=fresh).values_list("term", "weight")
    assert 0 < len(published) <= related.EXPANDED_TERMS
    nearest = RelatedNeighbourhood.objects.get(article=fresh).nearest
    # A tenth of the 33 articles: in a small corpus every subject is 20 articles away.
    assert len(nearest) == min(related.NEIGHBOURHOOD, 33 // 10)
    assert fresh.pk not in nearest

    connection.check_constraints()  # the test's transaction: no TRUNCATE with pending checks
    related.recompute_all()
    rebuilt = _topics_and_neighbourhoods()
    for article in Article.objects.published():
        related.save_related(article.pk)
    assert _topics_and_neighbourhoods() == rebuilt


def test_drafts_are_not_indexed(newsroom, django_capture_on_commit_callbacks):
    rng = random.Random(9)
    related.recompute_all()
    with django_capture_on_commit_callbacks(execute=True):
        draft = _article(rng, "cuore", 0, slug="bozza", draft=True)
    assert not RelatedTerm.objects.filter(article=draft).exists()
    assert not RelatedArticle.objects.filter(target=draft).exists()


def test_editor_pin_refreshes_the_list(newsroom, django_capture_on_commit_callbacks):
    related.recompute_all()
    article = newsroom["tumori"][3]
    target = newsroom["cuore"][6]
    with django_capture_on_commit_callbacks(execute=True):
        RelatedPin.objects.create(article=article, target=target, position=1)
    assert related.related_articles(article)[0] == target


def test_precision_on_a_labelled_corpus_beats_naive_methods():
    """Above latest posts, tag overlap and plain TF-IDF on a generated Italian corpus."""
    load_records(generate("it", 240, seed=3))
    related.recompute_all()
    labels = dict(ArticleLabel.objects.values_list("article_id", "label"))
    hits = total = 0
    for article in Article.objects.filter(pk__in=list(labels)):
        picks = related.related_articles(article)
        hits += sum(labels.get(p.pk) == labels[article.pk] for p in picks)
        total += 5
    ours = hits / total
    naive = baselines(5)
    assert naive["latest posts"] < 0.3
    assert naive["tag overlap"] < 0.5
    # Relative only: a generated corpus is no evidence of absolute quality (the
    # real-news floor is in test_related_newswire.py).
    assert ours > naive["tf-idf cosine"]


def test_evaluate_related_prints_precision_last(capsys):
    load_records(generate("en", 80, seed=2))
    call_command("evaluate_related", "-k", "3")
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1].startswith("precision@3: 0.")
    assert any(line.startswith("coverage@3: ") for line in lines)


def test_evaluate_related_without_labels_fails_in_one_line(newsroom):
    with pytest.raises(CommandError, match="Nessun articolo con etichetta"):
        call_command("evaluate_related")


def test_recompute_related_one_article(newsroom, capsys):
    related.recompute_all()
    article = newsroom["vaccini"][4]
    RelatedArticle.objects.filter(article=article).delete()
    call_command("recompute_related", "--article", str(article.pk))
    assert len(related.related_articles(article)) == 5


def test_admin_shows_the_current_list_with_reasons(newsroom, admin_client):
    article = newsroom["vaccini"][2]
    RelatedPin.objects.create(article=article, target=newsroom["cuore"][0], position=1)
    related.recompute_all()
    response = admin_client.get(admin_path(f"articles/article/{article.pk}/change/"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Scelto dalla redazione" in page
    assert "Parole in comune: " in page
    assert newsroom["cuore"][0].title in page


def test_precision_in_english_with_the_english_configuration(settings):
    """TEXT_SEARCH_CONFIG decides stemming and stop-words: an English newsroom works too."""
    settings.TEXT_SEARCH_CONFIG = "english"
    load_records(generate("en", 240, seed=5))
    related.recompute_all()
    labels = dict(ArticleLabel.objects.values_list("article_id", "label"))
    hits = sum(
        labels.get(p.pk) == labels[article.pk]
        for article in Article.objects.filter(pk__in=list(labels))
        for p in related.related_articles(article)
    )
    ours = hits / (5 * len(labels))
    assert RelatedTerm.objects.filter(term="penalti").exists()  # English stemming
    assert not RelatedTerm.objects.filter(term="the").exists()
    assert ours >= 0.75
    assert ours > baselines(5)["tf-idf cosine"]


def test_recompute_related_unknown_article_fails_in_one_line():
    with pytest.raises(CommandError, match="Nessun articolo con id 999999"):
        call_command("recompute_related", "--article", "999999")
