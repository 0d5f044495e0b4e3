"""Related articles ("Potrebbero interessarti anche").

The list of each article is computed in the background and stored in
RelatedArticle rows (pins included); a page view reads it in one query.

How a list is computed (measured on real newswire, ../shared/eval; the rules
and what each is worth on the dev set are in the README):

1. Index. Each published article becomes a vector of its terms, taken from
   the stored search vector (so words are stemmed and stop-words dropped in
   the TEXT_SEARCH_CONFIG language): a title word counts 2, a standfirst, tag
   or body word 1; weight = sqrt(tf) x sqrt(smoothed idf), so a shared term
   counts idf once in a dot product (as in BM25) rather than idf squared;
   the VECTOR_TERMS strongest terms are kept, L2-normalised, in RelatedTerm
   (an inverted index searched by term).
2. Topic. The article's QUERY_TERMS strongest terms are matched against the
   index in one SQL aggregate (sum of weight products). Then pseudo-relevance
   feedback: the mean vector of the FEEDBACK_DOCS best matches is added to
   the article's own and cut to EXPANDED_TERMS: its topic vector, stored in
   RelatedTopicTerm (the story's neighbours say which of its words are the
   topic).
3. Score. The topic vector is matched against the other articles' topic
   vectors (a second inverted index): both sides expanded, so two stories on
   one subject meet on the words their neighbourhoods share even when they
   share few words of their own. Then shared neighbours: each article's
   NEIGHBOURHOOD best matches are stored in RelatedNeighbourhood, and a
   candidate gains SHARED_NEIGHBOUR_WEIGHT per article in both neighbourhoods.
   A full rebuild stores every topic vector and neighbourhood first, then
   ranks in memory against the same postings (articles/related_index.py):
   the same lists.
4. Sense rules. No self, no near-duplicates (of the article or of an earlier
   pick), exclusions honoured; an interview's list favours pieces with the
   same person. Shared tags, people and section are shown as reasons.
5. Editor pins take their chosen positions; automatic picks fill the rest.
"""

from __future__ import annotations

import contextlib
import logging
import math
import multiprocessing
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection, connections, transaction
from django.db.models import OuterRef
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django_tasks import task

from articles.freshness import content_changed
from articles.models import (
    Article,
    ArticlePerson,
    RelatedArticle,
    RelatedExclusion,
    RelatedNeighbourhood,
    RelatedPin,
    RelatedTerm,
    RelatedTermStat,
    RelatedTopicTerm,
)
from articles.querysets import published_q

if TYPE_CHECKING:  # numpy and scipy load only in processes that rebuild, not in web workers
    from articles.related_index import SearchedIndex

logger = logging.getLogger(__name__)

DISPLAY_LIMIT = 5
# Stored beyond what is shown, so a pick unpublished later leaves the block full.
STORED_LIMIT = 10

# A title word counts twice (the baseline's "title x2"); standfirst, tags, body once.
FIELD_WEIGHTS = {"A": 2.0, "B": 1.0, "C": 1.0, "D": 1.0}
VECTOR_TERMS = 80
# The query's strongest terms (dev set: 20 lost 0.017 P@5, 80 gained 0.001).
QUERY_TERMS = 40
# Pseudo-relevance feedback (Rocchio): the query is the article's vector plus
# FEEDBACK_WEIGHT times the mean vector of its FEEDBACK_DOCS best first-pass
# matches, cut to its EXPANDED_TERMS strongest terms; a second pass ranks with it.
FEEDBACK_DOCS = 10
FEEDBACK_WEIGHT = 1.0
EXPANDED_TERMS = 40
# The ranking pass matches topic vectors against topic vectors (dev set:
# +0.016 P@5 over matching them against the articles' own vectors).
MATCH_TOPICS = True
# Shared neighbours (Jarvis-Patrick): a candidate gains SHARED_NEIGHBOUR_WEIGHT
# for each article in both its and the article's neighbourhood (itself and its
# NEIGHBOURHOOD best matches): overlapping neighbourhoods are one subject. At
# most a tenth of the corpus: in a small one, 20 neighbours are every subject
# (the 49 demo articles: 39 lists open with a piece sharing a tag, 45 with 4).
NEIGHBOURHOOD = 20
SHARED_NEIGHBOUR_WEIGHT = 0.02
# A bound on the work per query term: its heaviest postings only (impact
# order), reached by common terms. On the dev set 300 lost nothing against
# 1,000 or no bound; it keeps an article's work near 2 x 40 x 300 postings
# at any corpus size.
POSTINGS_PER_TERM = 300
# Scored candidates looked at by the sense rules (duplicates, stories, nudges).
CANDIDATES = 40
# Candidates whose vectors are read up front (a list of 10 rarely goes further).
PICK_VECTORS = 20
# Cosine on the kept vectors above which two articles say the same thing
# (a republished or lightly rewritten piece; same-topic news sits far lower).
NEAR_DUPLICATE = 0.9
# Below this key-term score an article shares no more than a stray word.
MIN_SCORE = 0.02
NEIGHBOURS_TO_REFRESH = 10
# A re-indexed article whose vector stays this close has not changed materially.
MATERIAL_CHANGE = 0.98
MAX_TERM_LENGTH = 100
DOCS_KEY = "#docs"

_NUMERIC = re.compile(r"^[0-9.,:/-]+$")

# An interview's list favours other pieces with the same person (see _nudge).
NUDGES = True

# The rules `evaluate_related --without RULE` switches off for one run, to
# measure what each is worth: name -> {module constant: value when off}.
RULES = {
    "near-duplicates": {"NEAR_DUPLICATE": math.inf},
    "title-weight": {"FIELD_WEIGHTS": dict.fromkeys("ABCD", 1.0)},
    "caps": {
        "QUERY_TERMS": 100_000,
        "EXPANDED_TERMS": 100_000,
        "POSTINGS_PER_TERM": 1_000_000_000,
    },
    "feedback": {"FEEDBACK_DOCS": 0},
    "topic-match": {"MATCH_TOPICS": False},
    "shared-neighbours": {"SHARED_NEIGHBOUR_WEIGHT": 0.0},
    "key-terms": {"VECTOR_TERMS": 100_000},
    "nudges": {"NUDGES": False},
}


@contextlib.contextmanager
def rules_off(names: Iterable[str]):
    """Switch these rules off inside the block (evaluation only, one process)."""
    saved: dict[str, object] = {}
    try:
        for name in names:
            for constant, value in RULES[name].items():
                saved.setdefault(constant, globals()[constant])
                globals()[constant] = value
        yield
    finally:
        globals().update(saved)


def related_articles(article: Article, limit: int = DISPLAY_LIMIT) -> list[Article]:
    """The stored list for display, in one query.

    The published filter on the target is applied here, at read time, so an
    unpublished or embargoed article never shows even before the background
    refresh has removed it.
    """
    if not article.related_enabled:
        return []
    entries = (
        RelatedArticle.objects.filter(published_q(prefix="target__"), article=article)
        .select_related("target__section")
        .defer("target__body", "target__search_vector")
        .order_by("position")[:limit]
    )
    return [entry.target for entry in entries]


# --- vectors -----------------------------------------------------------------

Vector = dict[str, float]


def _norm(vector: Vector) -> float:
    return math.sqrt(sum(w * w for w in vector.values()))


def _dot(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def _normalised(vector: Vector) -> Vector:
    norm = _norm(vector)
    return {t: w / norm for t, w in vector.items()} if norm else {}


def _raw_terms(ids: list[int]) -> dict[int, Vector]:
    """Field-weighted term frequencies of these articles from their search vectors."""
    result: dict[int, Vector] = defaultdict(dict)
    # Occurrences per field label times its weight, with plain array functions:
    # a subquery per lexeme made this four times slower at 100,000 articles.
    tf = " + ".join(
        f"cardinality(array_positions(u.weights, '{k}')) * {v}" for k, v in FIELD_WEIGHTS.items()
    )
    sql = f"""
        SELECT a.id, u.lexeme, {tf}
        FROM articles_article a, unnest(a.search_vector) AS u
        WHERE a.id = ANY(%s)
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [ids])
        for article_id, lexeme, tf in cursor.fetchall():
            if len(lexeme) < 2 or len(lexeme) > MAX_TERM_LENGTH:
                continue
            result[article_id][lexeme] = float(tf or 1.0)
    return result


@dataclass
class Stats:
    docs: int
    df: dict[str, int] = field(default_factory=dict)

    def idf(self, term: str) -> float:
        """The square root of the smoothed idf: both sides of a cosine carry it,
        so a shared term counts idf once, as in BM25, not idf squared (which
        lets one rare name outweigh the words that say what a story is about)."""
        df = min(max(self.df.get(term, 0), 0), self.docs)
        return math.sqrt(math.log((1 + self.docs) / (1 + df)) + 1.0)


def _weigh(raw: Vector, stats: Stats) -> Vector:
    weights = {t: stats.idf(t) * math.sqrt(max(tf, 1.0)) for t, tf in raw.items()}
    kept = sorted(weights.items(), key=lambda item: item[1], reverse=True)[:VECTOR_TERMS]
    return _normalised({t: w for t, w in kept if w > 0})


def _load_stats(terms: Iterable[str]) -> Stats:
    terms = list(set(terms) | {DOCS_KEY})
    rows = dict(RelatedTermStat.objects.filter(term__in=terms).values_list("term", "df"))
    return Stats(docs=max(rows.pop(DOCS_KEY, 0), 1), df=rows)


def _write_vectors(
    vectors: dict[int, Vector],
    *,
    replace: bool = True,
    model: type[RelatedTerm | RelatedTopicTerm] = RelatedTerm,
) -> None:
    # Table names in the SQL below and in _vectors and _query_candidates come from
    # our own models (RelatedTerm or RelatedTopicTerm), never from input.
    table = model._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        if replace:
            # Two refreshes rewriting one article's rows at once would both delete,
            # then both insert (twice the rows): the second waits for the first.
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, (id %% 2147483647)::int) "
                "FROM unnest(%s::bigint[]) AS id ORDER BY id",
                [_WRITE_LOCKS[table], sorted(vectors)],
            )
            model.objects.filter(article_id__in=list(vectors)).delete()
        with cursor.copy(f"COPY {table} (article_id, term, weight) FROM STDIN") as copy:
            for article_id, vector in vectors.items():
                for term, weight in vector.items():
                    copy.write_row((article_id, term, weight))


# Advisory lock spaces (pg_advisory_xact_lock's first key) of the rewritten tables.
_WRITE_LOCKS = {"articles_relatedterm": 3301, "articles_relatedtopicterm": 3302}


def published_ids() -> list[int]:
    return list(Article.objects.published().order_by("id").values_list("id", flat=True))


def rebuild_index(batch_size: int = 1000) -> int:
    """Index every published article from scratch; returns how many."""
    ids = published_ids()
    with transaction.atomic(), connection.cursor() as cursor:
        # TRUNCATE, not DELETE: no dead rows for the index built below to carry
        # (at 100,000 articles a DELETE left the impact index twice its size and
        # each query term's scan three times slower). Transactional like DELETE;
        # its lock is the one dropping the index takes anyway.
        cursor.execute("TRUNCATE articles_relatedterm, articles_relatedtermstat")
        # Document frequencies and lengths in the database: nothing big in Python.
        cursor.execute(
            """
            INSERT INTO articles_relatedtermstat (term, df)
            SELECT u.lexeme, count(*) FROM articles_article a, unnest(a.search_vector) AS u
            WHERE a.id = ANY(%s) AND length(u.lexeme) <= %s GROUP BY u.lexeme
            """,
            [ids, MAX_TERM_LENGTH],
        )
        RelatedTermStat.objects.create(term=DOCS_KEY, df=len(ids))
        stats = Stats(
            docs=max(len(ids), 1), df=dict(RelatedTermStat.objects.values_list("term", "df"))
        )
        # Loading millions of rows into the impact index costs eight times the
        # load itself (100,000 articles: 1.9 s against 0.2 s per 1,000); the
        # index is built once at the end instead. Until this transaction commits,
        # a refresh waits for it, as it would for the rows it deletes.
        (impact,) = (i for i in RelatedTerm._meta.indexes if i.name == "related_term_impact_idx")
        with connection.schema_editor() as editor:
            editor.remove_index(RelatedTerm, impact)
        for start in range(0, len(ids), batch_size):
            raw = _raw_terms(ids[start : start + batch_size])
            _write_vectors({pk: _weigh(terms, stats) for pk, terms in raw.items()}, replace=False)
        # The deferred foreign-key checks run first: an index cannot be built
        # on a table with pending trigger events.
        connection.check_constraints()
        with connection.schema_editor() as editor:
            editor.add_index(RelatedTerm, impact)
    return len(ids)


def index_article(article_id: int) -> tuple[Vector | None, Vector]:
    """(Re)index one published article; returns its old and new vectors."""
    old = _vector(article_id)
    raw = _raw_terms([article_id]).get(article_id, {})
    stats = _load_stats(raw)
    new = _weigh(raw, stats)
    with transaction.atomic():
        if not old:
            _bump_stats(raw, +1)
        _write_vectors({article_id: new})
    return old or None, new


def unindex_article(article_id: int) -> None:
    old_raw = _raw_terms([article_id]).get(article_id, {})
    with transaction.atomic():
        RelatedTopicTerm.objects.filter(article_id=article_id).delete()
        RelatedNeighbourhood.objects.filter(article_id=article_id).delete()
        if RelatedTerm.objects.filter(article_id=article_id).delete()[0]:
            _bump_stats(old_raw, -1)


def _bump_stats(raw: Vector, delta: int) -> None:
    """Keep document frequencies current between full rebuilds."""
    terms = [*raw, DOCS_KEY]
    increments = [delta] * len(terms)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO articles_relatedtermstat (term, df)
            SELECT t, greatest(d, 0) FROM unnest(%s::text[], %s::bigint[]) AS x(t, d)
            ON CONFLICT (term) DO UPDATE
            SET df = greatest(articles_relatedtermstat.df + EXCLUDED.df, 0)
            """,
            [terms, increments],
        )


def _vector(article_id: int) -> Vector:
    return dict(RelatedTerm.objects.filter(article_id=article_id).values_list("term", "weight"))


def _vectors(
    ids: list[int], model: type[RelatedTerm | RelatedTopicTerm] = RelatedTerm
) -> dict[int, Vector]:
    result: dict[int, Vector] = defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT article_id, term, weight FROM {model._meta.db_table} "
            "WHERE article_id = ANY(%s)",
            [ids],
        )
        for article_id, term, weight in cursor.fetchall():
            result[article_id][term] = weight
    return result


@contextlib.contextmanager
def _custom_plan_cursor():
    """A cursor whose statements are planned for their actual arguments.

    psycopg prepares a statement run five times on a connection, and PostgreSQL
    may then switch to a generic plan, which cannot see how many query terms
    the arrays hold and, in a rebuild, chose plans minutes long per batch.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        yield cursor


def _scored_candidates(ids: list[int], limit: int = CANDIDATES) -> dict[int, list]:
    """For each article, (candidate, score) by the key-term dot product, best first.

    One query for the whole batch. Each article is matched on its own
    QUERY_TERMS strongest terms, and each term reads at most POSTINGS_PER_TERM
    of its heaviest postings above RelatedTerm.MIN_SEARCHED_WEIGHT (an index
    range scan), so the work per article is bounded at any corpus size.
    Terms no other article has (names, typos) cannot match: they are skipped,
    or an article full of them would search with none of its subject words.
    """
    result: dict[int, list] = {pk: [] for pk in ids}
    with _custom_plan_cursor() as cursor:
        cursor.execute(
            """
            SELECT s.id, c.article_id, c.score FROM unnest(%(ids)s::bigint[]) AS s(id)
            CROSS JOIN LATERAL (
                SELECT p.article_id, sum(p.weight * q.weight) AS score
                FROM (
                    SELECT r.term, r.weight FROM articles_relatedterm r
                    JOIN articles_relatedtermstat st ON st.term = r.term AND st.df > 1
                    WHERE r.article_id = s.id ORDER BY r.weight DESC, r.term LIMIT %(terms)s
                ) AS q
                CROSS JOIN LATERAL (
                    SELECT t.article_id, t.weight FROM articles_relatedterm t
                    WHERE t.term = q.term AND t.weight >= %(min_weight)s
                    ORDER BY t.weight DESC LIMIT %(postings)s
                ) AS p
                WHERE p.article_id <> s.id
                GROUP BY p.article_id ORDER BY score DESC, p.article_id DESC
                LIMIT %(limit)s
            ) AS c
            ORDER BY s.id, c.score DESC, c.article_id DESC
            """,
            {
                "ids": ids,
                "terms": QUERY_TERMS,
                "min_weight": RelatedTerm.MIN_SEARCHED_WEIGHT,
                "postings": POSTINGS_PER_TERM,
                "limit": limit,
            },
        )
        for source, target, score in cursor.fetchall():
            result[source].append((target, score))
    return result


def _key_terms(vector: Vector, index: SearchedIndex) -> Vector:
    """The first-pass query, as _scored_candidates takes it: the QUERY_TERMS
    strongest terms that another article also has."""
    shared = sorted((-w, t) for t, w in vector.items() if t in index.shared)
    return {t: -w for w, t in shared[:QUERY_TERMS]}


def _topic_vectors(
    ids: list[int], vectors: dict[int, Vector], index: SearchedIndex | None = None
) -> dict[int, Vector]:
    """Each article's topic vector (see _expanded_queries), from a first pass in
    SQL or, with an index, in memory. Fills vectors with the vectors it read."""
    scored: dict[int, list] = {pk: [] for pk in ids}
    if index is not None:
        vectors.update(_vectors([pk for pk in ids if pk not in vectors]))
        if FEEDBACK_DOCS:
            queries = {pk: _key_terms(vectors.get(pk, {}), index) for pk in ids}
            scored = index.candidates(queries, FEEDBACK_DOCS)
    elif FEEDBACK_DOCS:
        scored = _scored_candidates(ids, FEEDBACK_DOCS)
    first = set(ids) | {pk for pairs in scored.values() for pk, _ in pairs[:FEEDBACK_DOCS]}
    vectors.update(_vectors(list(first - set(vectors))))
    return _expanded_queries(ids, scored, vectors)


def _expanded_queries(
    ids: list[int], scored: dict[int, list], vectors: dict[int, Vector]
) -> dict[int, Vector]:
    """Each article's vector plus FEEDBACK_WEIGHT x the mean of its best matches'
    vectors, cut to its EXPANDED_TERMS strongest terms: its topic vector."""
    queries = {}
    for pk in ids:
        own = vectors.get(pk, {})
        feedback = [vectors.get(t, {}) for t, _ in scored[pk][:FEEDBACK_DOCS]]
        query = dict(own)
        for vector in feedback:
            for term, weight in vector.items():
                query[term] = query.get(term, 0.0) + FEEDBACK_WEIGHT * weight / len(feedback)
        strongest = sorted(query.items(), key=lambda item: (-item[1], item[0]))[:EXPANDED_TERMS]
        queries[pk] = _normalised(dict(strongest))
    return queries


def _query_candidates(
    queries: dict[int, Vector],
    limit: int,
    model: type[RelatedTerm | RelatedTopicTerm] = RelatedTopicTerm,
) -> dict[int, list]:
    """Like _scored_candidates, for query vectors given here, against the index
    of topic vectors (or of key-term vectors): one query for the batch.

    The batch's terms travel as flat arrays; each article reads its own slice
    (first..last), so the work grows with the batch, not with its square.
    """
    result: dict[int, list] = {pk: [] for pk in queries}
    sources, firsts, lasts, terms, weights = [], [], [], [], []
    for pk, query in queries.items():
        if not query:
            continue
        sources.append(pk)
        firsts.append(len(terms) + 1)
        terms.extend(query)
        weights.extend(query.values())
        lasts.append(len(terms))
    if not sources:
        return result
    with _custom_plan_cursor() as cursor:
        cursor.execute(
            f"""
            SELECT s.source, c.article_id, c.score
            FROM unnest(%(sources)s::bigint[], %(firsts)s::int[], %(lasts)s::int[])
                AS s(source, first, last)
            CROSS JOIN LATERAL (
                SELECT p.article_id, sum(p.weight * q.weight) AS score
                FROM unnest((%(terms)s::text[])[s.first:s.last],
                            (%(weights)s::float8[])[s.first:s.last]) AS q(term, weight)
                CROSS JOIN LATERAL (
                    SELECT t.article_id, t.weight FROM {model._meta.db_table} t
                    WHERE t.term = q.term AND t.weight >= %(min_weight)s
                    ORDER BY t.weight DESC LIMIT %(postings)s
                ) AS p
                WHERE p.article_id <> s.source
                GROUP BY p.article_id ORDER BY score DESC, p.article_id DESC
                LIMIT %(limit)s
            ) AS c
            ORDER BY s.source, c.score DESC, c.article_id DESC
            """,
            {
                "sources": sources,
                "firsts": firsts,
                "lasts": lasts,
                "terms": terms,
                "weights": weights,
                "min_weight": RelatedTerm.MIN_SEARCHED_WEIGHT,
                "postings": POSTINGS_PER_TERM,
                "limit": limit,
            },
        )
        for source, target, score in cursor.fetchall():
            result[source].append((target, score))
    return result


# --- scoring -----------------------------------------------------------------


@dataclass
class Pick:
    target_id: int
    score: float
    reasons: dict
    vector: Vector


@dataclass
class _Meta:
    publish_at: datetime | None
    section_id: int
    kind: str
    text: str = ""
    tags: set[str] = field(default_factory=set)
    people: dict[int, str] = field(default_factory=dict)


def _metadata(ids: list[int]) -> dict[int, _Meta]:
    """Dates, sections, tags and people of the published articles among ids, one query."""
    from taggit.models import TaggedItem

    tags = TaggedItem.objects.filter(
        object_id=OuterRef("pk"),
        content_type_id=ContentType.objects.get_for_model(Article).pk,
    ).values("tag__name")
    people = ArticlePerson.objects.filter(article_id=OuterRef("pk")).order_by("person_id")
    rows = (
        Article.objects.published()
        .filter(pk__in=ids)
        .annotate(
            tag_names=ArraySubquery(tags),
            person_ids=ArraySubquery(people.values("person_id")),
            person_names=ArraySubquery(people.values("person__name")),
        )
        .values_list(
            "pk",
            "publish_at",
            "section_id",
            "kind",
            "title",
            "standfirst",
            "tag_names",
            "person_ids",
            "person_names",
        )
    )
    return {
        pk: _Meta(
            publish_at,
            section_id,
            kind,
            f"{title} {standfirst}",
            set(tags),
            dict(zip(pids, names, strict=True)),
        )
        for pk, publish_at, section_id, kind, title, standfirst, tags, pids, names in rows
    }


def _editor_choices(ids: list[int]) -> dict[int, set[int]]:
    """Targets the automatic picks must skip: excluded or already pinned."""
    result: dict[int, set[int]] = {pk: set() for pk in ids}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT article_id, target_id FROM articles_relatedexclusion "
            "WHERE article_id = ANY(%s) UNION "
            "SELECT article_id, target_id FROM articles_relatedpin WHERE article_id = ANY(%s)",
            [ids, ids],
        )
        for article_id, target_id in cursor.fetchall():
            result[article_id].add(target_id)
    return result


def _folded_words(text: str) -> list[tuple[str, str]]:
    return [(_fold(w), w.lower()) for w in re.findall(r"\w+", text)]


def _surface_words(folded: list[tuple[str, str]], terms: Iterable[str]) -> list[str]:
    """Readable words for stemmed terms, as the article itself spells them."""
    words = (next((w for f, w in folded if f.startswith(term)), term) for term in terms)
    return list(dict.fromkeys(words))


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _nudge(source: _Meta | None, meta: _Meta) -> tuple[float, dict]:
    """The reasons shown to editors, and the one boost kept: an interview's person.

    Boosts for shared tags, section and recency were measured on the dev set
    and did not help (README, "Related articles"); they stay as reasons only.
    """
    reasons: dict = {}
    boost = 1.0
    if source is not None:
        shared_tags = sorted(source.tags & meta.tags)
        if shared_tags:
            reasons["tags"] = shared_tags[:5]
        shared_people = sorted(name for pid, name in source.people.items() if pid in meta.people)
        if shared_people:
            reasons["people"] = shared_people[:3]
            if source.kind == Article.Kind.INTERVIEW and NUDGES:
                boost += 0.1
        if meta.section_id == source.section_id:
            reasons["same_section"] = True
    return boost, reasons


def compute_related(article_id: int) -> list[Pick]:
    """The automatic picks for one article, best first (pins not included)."""
    return compute_many([article_id])[article_id]


def _ranked(
    ids: list[int],
    limit: int,
    vectors: dict[int, Vector],
    index: SearchedIndex | None = None,
    topic_index: SearchedIndex | None = None,
) -> dict[int, list]:
    """The ranking pass: (candidate, score) by topic match, best first.

    In SQL (no indexes) the topic vectors are computed and stored, so the topic
    index follows the articles refreshed; a rebuild stored them all before.
    Fills vectors with the article vectors it read.
    """
    if index is None:
        topics = _topic_vectors(ids, vectors)
        if MATCH_TOPICS:
            _write_vectors(topics, model=RelatedTopicTerm)
            return _query_candidates(topics, limit, RelatedTopicTerm)
        return _query_candidates(topics, limit, RelatedTerm)
    if MATCH_TOPICS and topic_index is not None:
        vectors.update(_vectors(ids))
        topics = _vectors(ids, RelatedTopicTerm)
        return topic_index.candidates({pk: topics[pk] for pk in ids}, limit)
    return index.candidates(_topic_vectors(ids, vectors, index), limit)


def _with_shared_neighbours(scored: dict[int, list], *, store: bool) -> dict[int, list]:
    """Scores plus SHARED_NEIGHBOUR_WEIGHT per article in both neighbourhoods.

    A neighbourhood is an article and its NEIGHBOURHOOD best matches. The
    candidates' are read as stored (a rebuild stores every one first); the
    articles' own are these, and are stored first when store is set, so the
    stored ones follow the articles refreshed.
    """
    size = _neighbourhood_size()
    own = {pk: [t for t, _ in pairs[:size]] for pk, pairs in scored.items()}
    if store:
        _write_neighbourhoods(own)
    others = _neighbourhoods({t for pairs in scored.values() for t, _ in pairs})
    result = {}
    for pk, pairs in scored.items():
        mine = {pk, *own[pk]}
        boosted = [
            (t, score + SHARED_NEIGHBOUR_WEIGHT * len(mine.intersection((t, *others.get(t, ())))))
            for t, score in pairs
        ]
        result[pk] = sorted(boosted, key=lambda pair: (-pair[1], -pair[0]))
    return result


def _neighbourhood_size() -> int:
    """NEIGHBOURHOOD, or a tenth of the indexed articles if that is fewer."""
    docs = RelatedTermStat.objects.filter(term=DOCS_KEY).values_list("df", flat=True).first()
    return min(NEIGHBOURHOOD, (docs or 0) // 10)


def _neighbourhoods(ids: Iterable[int]) -> dict[int, list[int]]:
    rows = RelatedNeighbourhood.objects.filter(article_id__in=list(ids))
    return dict(rows.values_list("article_id", "nearest"))


def _write_neighbourhoods(nearest: dict[int, list[int]]) -> None:
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO articles_relatedneighbourhood (article_id, nearest) VALUES (%s, %s) "
            "ON CONFLICT (article_id) DO UPDATE SET nearest = EXCLUDED.nearest",
            list(nearest.items()),
        )


def compute_many(
    ids: list[int],
    index: SearchedIndex | None = None,
    topic_index: SearchedIndex | None = None,
) -> dict[int, list[Pick]]:
    """The automatic picks of several articles, in a fixed number of queries.

    Without indexes (a publish or edit refresh), the topic vectors are computed
    and stored (so the topic index follows the articles refreshed) and scored
    by the SQL aggregates. With them (a full rebuild, which stored every topic
    vector first), candidates are scored in memory; the lists are the same.
    """
    skip = _editor_choices(ids)
    limit = CANDIDATES + max(map(len, skip.values()), default=0)
    vectors: dict[int, Vector] = {}
    scored = _ranked(ids, limit, vectors, index, topic_index)
    if SHARED_NEIGHBOUR_WEIGHT:
        scored = _with_shared_neighbours(scored, store=index is None)
    candidates = {
        pk: [(t, score) for t, score in scored[pk] if t not in skip[pk]][:CANDIDATES] for pk in ids
    }
    wanted = set(ids) | {pk for pairs in candidates.values() for pk, _ in pairs}
    metas = _metadata(list(wanted))
    # The duplicate checks and reasons need the vectors of the candidates a list
    # reaches; the best PICK_VECTORS nearly always suffice, the rest are read
    # (one more query) only for the lists that go further.
    likely = set(ids) | {pk for pairs in candidates.values() for pk, _ in pairs[:PICK_VECTORS]}
    missing = likely - set(vectors)
    vectors.update(dict.fromkeys(missing, {}))
    vectors.update(_vectors(list(missing)))
    now = timezone.now()
    result: dict[int, list[Pick]] = {}
    for pk in ids:
        picks = _pick(vectors.get(pk, {}), metas.get(pk), candidates[pk], vectors, metas, now)
        if picks is not None:
            result[pk] = picks
    rest = [pk for pk in ids if pk not in result]
    if rest:
        more = {t for pk in rest for t, _ in candidates[pk]} - set(vectors)
        vectors.update(dict.fromkeys(more, {}))
        vectors.update(_vectors(list(more)))
        for pk in rest:
            result[pk] = _pick(
                vectors.get(pk, {}), metas.get(pk), candidates[pk], vectors, metas, now
            )
    return {pk: result[pk] for pk in ids}


def _pick(
    vector: Vector,
    source: _Meta | None,
    scored: list[tuple[int, float]],
    vectors: dict[int, Vector],
    metas: dict[int, _Meta],
    now: datetime,
) -> list[Pick] | None:
    """The list from scored candidates, or None if it needs a vector not in vectors."""
    ranked = []
    for pk, score in scored:
        if pk not in metas or score < MIN_SCORE:
            continue
        boost, reasons = _nudge(source, metas[pk])
        ranked.append((score * boost, pk, reasons))
    ranked.sort(key=lambda item: (item[0], metas[item[1]].publish_at or now), reverse=True)

    folded = _folded_words(source.text if source else "")
    picks: list[Pick] = []
    for final, pk, reasons in ranked:
        if len(picks) >= STORED_LIMIT:
            break
        if pk not in vectors:
            return None
        candidate = vectors[pk]
        if _dot(vector, candidate) >= NEAR_DUPLICATE:
            continue
        if any(_dot(p.vector, candidate) >= NEAR_DUPLICATE for p in picks):
            continue
        contributions = sorted(
            ((vector[t] * w, t) for t, w in candidate.items() if t in vector), reverse=True
        )
        # Numbers help find a story (figures, years) but say nothing to a reader.
        terms = [t for _, t in contributions if not _NUMERIC.match(t)][:5]
        reasons = {**reasons, "words": _surface_words(folded, terms)}
        picks.append(Pick(pk, round(final, 4), reasons, candidate))
    _mark_newer(picks, metas)
    return picks


def _mark_newer(picks: list[Pick], metas: dict[int, _Meta]) -> None:
    for before, after in zip(picks, picks[1:], strict=False):
        a, b = metas[before.target_id].publish_at, metas[after.target_id].publish_at
        if a and b and a > b and before.score - after.score < 0.01:
            before.reasons["newer"] = True


def save_related(article_id: int, picks: list[Pick] | None = None) -> int:
    """Compute (unless given) and store the list of one article."""
    if picks is None:
        picks = compute_related(article_id)
    return save_many({article_id: picks})


def save_many(picks_by_article: dict[int, list[Pick]]) -> int:
    """Store lists: pins at their chosen positions, automatic picks around them."""
    ids = list(picks_by_article)
    pins: dict[int, list[RelatedPin]] = defaultdict(list)
    for pin in RelatedPin.objects.filter(article_id__in=ids).order_by("position", "id"):
        pins[pin.article_id].append(pin)
    now = timezone.now()
    rows: list[RelatedArticle] = []
    for article_id, picks in picks_by_article.items():
        slots: dict[int, RelatedArticle] = {}
        for pin in pins[article_id]:
            position = max(pin.position - 1, 0)
            while position in slots:
                position += 1
            slots[position] = RelatedArticle(
                article_id=article_id,
                target_id=pin.target_id,
                position=position,
                pinned=True,
                reasons={"pinned": True},
                computed_at=now,
            )
        position = 0
        for pick in picks[:STORED_LIMIT]:
            while position in slots:
                position += 1
            slots[position] = RelatedArticle(
                article_id=article_id,
                target_id=pick.target_id,
                position=position,
                score=pick.score,
                reasons=pick.reasons,
                computed_at=now,
            )
        rows.extend(slots.values())
    previous: dict[int, list[int]] = defaultdict(list)
    for article_id, target_id in (
        RelatedArticle.objects.filter(article_id__in=ids)
        .order_by("article_id", "position")
        .values_list("article_id", "target_id")
    ):
        previous[article_id].append(target_id)
    current: dict[int, list[int]] = defaultdict(list)
    for row in sorted(rows, key=lambda row: (row.article_id, row.position)):
        current[row.article_id].append(row.target_id)
    with transaction.atomic():
        # Only the pages whose related block now names other articles.
        content_changed(*(f"related-{pk}" for pk in ids if previous[pk] != current[pk]))
        with connection.cursor() as cursor:
            # Derived rows, recomputable at any time: not worth waiting for a WAL flush.
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("DELETE FROM articles_relatedarticle WHERE article_id = ANY(%s)", [ids])
        RelatedArticle.objects.bulk_create(rows)
    return len(rows)


def recompute_all(*, batch_size: int = 200, workers: int = 1) -> int:
    """Rebuild the index, every topic vector and neighbourhood, then every list.

    With workers > 1 the batches are split over forked processes, each with its
    own database connection (the in-memory indexes are shared, read-only).
    """
    rebuild_index()
    if not connection.in_atomic_block:
        # Fresh statistics and visibility map: the planner picks index-only scans.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE articles_relatedterm, articles_relatedtermstat")
            # After a bulk import the article statistics can be stale enough for
            # the planner to scan every published row instead of a few ids.
            cursor.execute("ANALYZE articles_article, taggit_taggeditem, articles_articleperson")
    from articles.related_index import SearchedIndex

    ids = published_ids()
    searched = {
        "postings_per_term": POSTINGS_PER_TERM,
        "min_weight": RelatedTerm.MIN_SEARCHED_WEIGHT,
        "docs_key": DOCS_KEY,
    }
    index = SearchedIndex(**searched)
    topic_index = None
    if MATCH_TOPICS:
        _rebuild_topics(ids, batch_size, workers, index)
        topic_index = SearchedIndex(**searched, model=RelatedTopicTerm)
    if SHARED_NEIGHBOUR_WEIGHT:
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE articles_relatedneighbourhood")

        size = _neighbourhood_size()

        def neighbourhoods(batch: list[int]) -> None:
            scored = _ranked(batch, size, {}, index, topic_index)
            _write_neighbourhoods({pk: [t for t, _ in scored[pk]] for pk in batch})

        if size:
            _run_batches(neighbourhoods, ids, batch_size, workers)

    def lists(batch: list[int]) -> None:
        save_many(compute_many(batch, index, topic_index))

    _run_batches(lists, ids, batch_size, workers)
    return len(ids)


def _rebuild_topics(ids: list[int], batch_size: int, workers: int, index: SearchedIndex) -> None:
    """Store every published article's topic vector, first passes scored in memory."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE articles_relatedtopicterm")
        # Built once after the load, as in rebuild_index; IF EXISTS: a rebuild
        # that failed half-way left it dropped.
        cursor.execute("DROP INDEX IF EXISTS related_topic_impact_idx")

    def topics(batch: list[int]) -> None:
        # Replacing (under the per-article locks), not only adding: a publish
        # refresh running meanwhile may have written some of these already.
        _write_vectors(_topic_vectors(batch, {}, index), model=RelatedTopicTerm)

    _run_batches(topics, ids, batch_size, workers)
    (impact,) = RelatedTopicTerm._meta.indexes
    with transaction.atomic():
        # Pending foreign-key checks first: an index cannot be built on a table
        # with pending trigger events.
        connection.check_constraints()
        with connection.schema_editor() as editor:
            editor.add_index(RelatedTopicTerm, impact)
    if not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE articles_relatedtopicterm")


_fork_step: Callable[[list[int]], None] | None = None


def _run_batches(
    step: Callable[[list[int]], None], ids: list[int], batch_size: int, workers: int
) -> None:
    """step(batch) over ids in batches; split over forked workers when worth it.

    Forked, not spawned: the workers share the parent's in-memory indexes
    (copy-on-write) instead of each reading or receiving a copy.
    """
    if workers <= 1 or connection.in_atomic_block or len(ids) < batch_size * workers:
        _batches(step, ids, batch_size)
        return
    connections.close_all()
    context = multiprocessing.get_context("fork")
    global _fork_step
    _fork_step = step
    try:
        with context.Pool(workers) as pool:
            pool.starmap(_share, [(ids[i::workers], batch_size) for i in range(workers)])
    finally:
        _fork_step = None


def _share(ids: list[int], batch_size: int) -> None:
    """One worker's share, with the step it inherited."""
    try:
        _batches(_fork_step, ids, batch_size)
    finally:
        connections.close_all()


def _batches(step: Callable[[list[int]], None], ids: list[int], batch_size: int) -> None:
    for start in range(0, len(ids), batch_size):
        step(ids[start : start + batch_size])


# --- freshness -----------------------------------------------------------------


@task()
def refresh_related(article_id: int) -> None:
    """After a publish, edit or unpublish: this list and the neighbours' lists."""
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return
    if not article.is_published():
        sources = list(
            RelatedArticle.objects.filter(target_id=article_id)
            .values_list("article_id", flat=True)
            .distinct()
        )
        unindex_article(article_id)
        RelatedArticle.objects.filter(target_id=article_id).delete()
        if sources:
            save_many(compute_many(sources))
        return
    old, new = index_article(article_id)
    save_related(article_id)
    if old is not None and _dot(old, new) >= MATERIAL_CHANGE:
        return
    # The lists this article now joins: the nearest topic vectors to its own.
    if MATCH_TOPICS:
        topic = _vectors([article_id], RelatedTopicTerm).get(article_id, {})
        nearest = _query_candidates({article_id: topic}, NEIGHBOURS_TO_REFRESH)
    else:
        nearest = _scored_candidates([article_id], NEIGHBOURS_TO_REFRESH)
    neighbours = [pk for pk, _ in nearest[article_id]]
    if neighbours:
        save_many(compute_many(neighbours))


@task()
def refresh_related_list(article_id: int) -> None:
    """After an editor changed pins or exclusions: only this list."""
    if RelatedTerm.objects.filter(article_id=article_id).exists():
        save_related(article_id)


def _enqueue(task_obj, article_id: int, run_after: datetime | None = None) -> None:
    def enqueue():
        runner = task_obj
        if run_after is not None and task_obj.get_backend().supports_defer:
            runner = task_obj.using(run_after=run_after)
        runner.enqueue(article_id)

    transaction.on_commit(enqueue)


@receiver(post_save, sender=Article, dispatch_uid="related_article_saved")
def _article_saved(sender, instance: Article, raw=False, **kwargs):
    if raw:
        return
    # Drafts never reach the index; anything that is or was live may change lists.
    if instance.status not in (Article.Status.PUBLISHED, Article.Status.UNPUBLISHED):
        if not RelatedTerm.objects.filter(article_id=instance.pk).exists():
            return
    _enqueue(refresh_related, instance.pk)
    if instance.is_scheduled():
        # An embargoed article joins its neighbours' lists when it goes live.
        _enqueue(refresh_related, instance.pk, run_after=instance.publish_at)
    if instance.unpublish_at and instance.unpublish_at > timezone.now():
        _enqueue(refresh_related, instance.pk, run_after=instance.unpublish_at)


@receiver(post_save, sender=RelatedPin, dispatch_uid="related_pin_saved")
@receiver(post_delete, sender=RelatedPin, dispatch_uid="related_pin_deleted")
@receiver(post_save, sender=RelatedExclusion, dispatch_uid="related_exclusion_saved")
@receiver(post_delete, sender=RelatedExclusion, dispatch_uid="related_exclusion_deleted")
def _editor_choice_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _enqueue(refresh_related_list, instance.article_id)
