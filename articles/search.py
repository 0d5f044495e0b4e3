"""Full-text search over published articles.

The stored `Article.search_vector` is built with our own text search
configuration, `TEXT_SEARCH_CONFIG` plus `unaccent` (see `ensure_configuration`),
so "perche" finds "perché" and highlights work on the original text. Words are
weighted title (A) > standfirst and tags (B) > body (C); results are ranked by
relevance with a recency boost. Any input gives a result page: the query goes
through `websearch_to_tsquery`, which never raises a syntax error.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections, router
from django.db.models import (
    BooleanField,
    Case,
    F,
    FloatField,
    Func,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from psycopg import sql

from articles.models import Article

MAX_QUERY_LENGTH = 200
# Characters PostgreSQL cannot store (NUL) or that only confuse the parser.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TAGS = re.compile(r"<[^>]*>")
# Private-use characters as highlight markers: they cannot come from readers'
# text, so everything else can be escaped before the markers become <mark>.
START_SEL = "\ue000"
STOP_SEL = "\ue001"
# A month-old article keeps 75% of its relevance, a year-old one about 54%.
RECENCY_HALF_DAYS = 30.0


def language() -> str:
    name = settings.TEXT_SEARCH_CONFIG
    if not re.fullmatch(r"[a-z_]+", name):
        raise ImproperlyConfigured("TEXT_SEARCH_CONFIG must be a text search configuration name")
    return name


def config_name() -> str:
    """Our configuration: the chosen language with accents folded."""
    return f"sanita33_{language()}"


def ensure_configuration(schema_editor=None) -> None:
    """Create `sanita33_<language>` (a copy of the language + unaccent) if missing.

    Migration 0003 runs it for the language configured at migration time.
    After changing TEXT_SEARCH_CONFIG, call it once (`manage.py shell -c`) and
    recompute the stored vectors with `update_search_vectors`.
    """
    conn = schema_editor.connection if schema_editor else connection
    source, target = language(), config_name()
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = %s", [target])
        if cursor.fetchone():
            return
        cursor.execute(
            "SELECT m.maptokentype, d.dictname FROM pg_ts_config c "
            "JOIN pg_ts_config_map m ON m.mapcfg = c.oid "
            "JOIN pg_ts_dict d ON d.oid = m.mapdict "
            "WHERE c.cfgname = %s ORDER BY m.maptokentype, m.mapseqno",
            [source],
        )
        rows = cursor.fetchall()
        if not rows:
            raise ImproperlyConfigured(f"PostgreSQL has no text search configuration {source!r}")
        cursor.execute("SELECT tokid, alias FROM ts_token_type('default')")
        aliases = dict(cursor.fetchall())
        dictionaries: dict[str, list[str]] = {}
        for token_type, dictname in rows:
            dictionaries.setdefault(aliases[token_type], []).append(dictname)
        cursor.execute(
            sql.SQL("CREATE TEXT SEARCH CONFIGURATION public.{} (COPY = {})")
            .format(sql.Identifier(target), sql.Identifier(source))
            .as_string(cursor.connection)
        )
        for token in ("word", "hword", "hword_part", "asciiword", "asciihword", "hword_asciipart"):
            if token in dictionaries:
                chain = [sql.Identifier(d) for d in ("unaccent", *dictionaries[token])]
                cursor.execute(
                    sql.SQL(
                        "ALTER TEXT SEARCH CONFIGURATION public.{} ALTER MAPPING FOR {} WITH {}"
                    )
                    .format(sql.Identifier(target), sql.SQL(token), sql.SQL(", ").join(chain))
                    .as_string(cursor.connection)
                )


def update_search_vectors(ids: Iterable[int]) -> int:
    """Recompute the stored search vector of these articles in one UPDATE.

    Title weighs A, standfirst and tags B, body C (tags stripped). Returns the
    number of rows updated.
    """
    ids = list(ids)
    if not ids:
        return 0
    cfg = config_name()
    query = sql.SQL("""
        UPDATE articles_article AS a SET search_vector =
            setweight(to_tsvector({cfg}, coalesce(a.title, '')), 'A')
            || setweight(to_tsvector({cfg}, coalesce(a.standfirst, '')), 'B')
            || setweight(to_tsvector({cfg}, coalesce((
                SELECT string_agg(t.name, ' ')
                FROM taggit_taggeditem ti JOIN taggit_tag t ON t.id = ti.tag_id
                WHERE ti.object_id = a.id AND ti.content_type_id = (
                    SELECT id FROM django_content_type
                    WHERE app_label = 'articles' AND model = 'article')
            ), '')), 'B')
            || setweight(to_tsvector({cfg}, regexp_replace(
                CASE WHEN a.audience = 'public' THEN coalesce(a.body, '') ELSE '' END,
                '<[^>]*>', ' ', 'g')), 'C')
        WHERE a.id = ANY(%s)
    """).format(cfg=sql.Literal(cfg))
    with connection.cursor() as cursor:
        cursor.execute(query.as_string(cursor.connection), [ids])
        return cursor.rowcount


def clean_query(raw: str | None) -> str:
    """What we search for: control characters removed, spaces folded, bounded length."""
    text = _CONTROL_CHARS.sub(" ", raw or "")
    text = " ".join(text.split())
    return text[:MAX_QUERY_LENGTH].strip()


@dataclass
class Filters:
    section_ids: list[int] | None = None
    date_from: date | None = None
    date_to: date | None = None


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _day_end(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


# Only the newest matches are ranked: ranking reads every candidate's search
# vector, and a common word matches thousands of articles (5,600 of 100,000 for
# "telemedicina", 30 ms to rank). 1,000 newest is 50 pages of results.
CANDIDATES = 1000


def _matching(query: SearchQuery, filters: Filters) -> QuerySet[Article]:
    articles = Article.objects.published().indexable().filter(search_vector=query)
    if filters.section_ids:
        articles = articles.filter(section__in=filters.section_ids)
    if filters.date_from:
        articles = articles.filter(publish_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        articles = articles.filter(publish_at__lte=_day_end(filters.date_to))
    return articles


def _ranked(articles: QuerySet[Article], query: SearchQuery) -> QuerySet[Article]:
    cfg = config_name()
    recency = RawSQL(
        "0.5 + 0.5 / (1 + greatest(extract(epoch FROM now() - articles_article.publish_at), 0)"
        " / 86400.0 / %s)",
        [RECENCY_HALF_DAYS],
        output_field=FloatField(),
    )
    # A reserved article's body is neither searched nor quoted (readers/access.py).
    public_body = Case(
        When(audience=Article.Audience.PUBLIC, then=Coalesce("body", Value(""))),
        default=Value(""),
        output_field=TextField(),
    )
    plain_body = Func(
        public_body,
        Value("<[^>]*>"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )
    headline = {
        "config": cfg,
        "start_sel": START_SEL,
        "stop_sel": STOP_SEL,
        "max_words": 35,
        "min_words": 15,
        "max_fragments": 2,
        "fragment_delimiter": " … ",
    }
    return articles.annotate(
        rank=SearchRank(F("search_vector"), query, normalization=Value(1)) * recency,
        # Fragment options would cut the title; it is highlighted whole.
        headline_title=SearchHeadline(
            "title",
            query,
            config=cfg,
            start_sel=START_SEL,
            stop_sel=STOP_SEL,
            highlight_all=True,
        ),
        headline_text=SearchHeadline(
            Concat("standfirst", Value(" "), plain_body, output_field=TextField()),
            query,
            **headline,
        ),
    ).order_by(F("rank").desc(), "-publish_at", "-id")


class SearchResults:
    """Published articles matching a query, best first, for Django's Paginator.

    One query takes the ids of the CANDIDATES newest matches (which also
    counts them); one more ranks those and builds the page shown, with `rank`
    and highlights: `headline_title` and `headline_text` hold the matched words
    between START_SEL and STOP_SEL markers (display them through `highlight()`).
    `prepare` is applied to the ranked queryset (e.g. what a card needs).
    """

    def __init__(self, query: str, filters: Filters | None = None, prepare=None):
        self.tsquery = SearchQuery(query, config=config_name(), search_type="websearch")
        self.matching = _matching(self.tsquery, filters or Filters())
        self.prepare = prepare or (lambda queryset: queryset)
        self._ids: list[int] | None = None

    def ids(self) -> list[int]:
        if self._ids is None:
            # Materialised first: with ORDER BY ... LIMIT over the whole query the
            # planner walks the publish_at index and tests every article's vector
            # on the way (183 ms at 100k for "telemedicina"; the GIN index, 13 ms).
            db = router.db_for_read(Article)
            matches = self.matching.order_by().values_list("id", "publish_at")
            inner, params = matches.query.get_compiler(using=db).as_sql()
            # The ORM cannot write MATERIALIZED. The only text spliced in is the SQL
            # the ORM compiled from our own query; every value is a parameter.
            query = sql.SQL(
                "WITH matches AS MATERIALIZED ({}) SELECT id FROM matches"
                " ORDER BY publish_at DESC, id DESC LIMIT %s"
            ).format(sql.SQL(inner))  # nosemgrep
            with connections[db].cursor() as cursor:
                cursor.execute(query.as_string(cursor.connection), [*params, CANDIDATES])
                self._ids = [row[0] for row in cursor.fetchall()]
        return self._ids

    def count(self) -> int:
        return len(self.ids())

    def __getitem__(self, page: slice) -> list[Article]:
        ids = self.ids()
        if not range(len(ids))[page]:
            return []
        return list(_ranked(self.prepare(Article.objects.filter(pk__in=ids)), self.tsquery)[page])


def search_articles(query: str, filters: Filters | None = None) -> SearchResults:
    return SearchResults(query, filters)


def highlight(text: str | None, *, from_html: bool = False) -> SafeString:
    """Escape a ts_headline result, then turn its markers into <mark> elements."""
    text = text or ""
    if from_html:  # body text: tags are gone, entities are decoded to be escaped once
        text = html.unescape(_TAGS.sub(" ", text))
    before, *marked = " ".join(text.split()).split(START_SEL)
    pieces = (piece.partition(STOP_SEL)[::2] for piece in marked)
    return format_html("{}{}", before, format_html_join("", "<mark>{}</mark>{}", pieces))


def suggest(query: str) -> str | None:
    """A spelling suggestion ("Forse cercavi …") from published titles, via pg_trgm.

    One query: the titles most similar word-by-word to the whole query (trigram
    index on unaccented lower-case titles). Each query word is then replaced by
    the most similar word of those titles when that one is close enough.
    """
    words = re.findall(r"\w+", query.lower())[:8]
    if not words:
        return None
    needle = " ".join(words)
    titles = list(
        Article.objects.published()
        .indexable()
        .annotate(
            similarity=RawSQL(
                "word_similarity(sanita33_unaccent(lower(%s)), "
                "sanita33_unaccent(lower(articles_article.title)))",
                [needle],
                output_field=FloatField(),
            )
        )
        .filter(
            RawSQL(
                "sanita33_unaccent(lower(%s)) <%% sanita33_unaccent(lower(articles_article.title))",
                [needle],
                output_field=BooleanField(),
            )
        )
        .order_by("-similarity")
        .values_list("title", flat=True)[:10]
    )
    if not titles:
        return None
    vocabulary = {w for title in titles for w in re.findall(r"\w+", title.lower()) if len(w) > 2}
    corrected = []
    for word in words:
        best = max(vocabulary, key=lambda candidate: trigram_similarity(word, candidate))
        corrected.append(best if trigram_similarity(word, best) >= 0.3 else word)
    suggestion = " ".join(corrected)
    return suggestion if suggestion != needle else None


def _trigrams(word: str) -> set[str]:
    padded = f"  {strip_accents(word)} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def trigram_similarity(a: str, b: str) -> float:
    """pg_trgm's similarity() for single words, in Python."""
    ta, tb = _trigrams(a), _trigrams(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)
