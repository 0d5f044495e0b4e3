"""What reader pages read, in a fixed number of queries.

Bylines, tags, people, sources, corrections and the related-articles block
travel inside the article row as JSON arrays (`ArraySubquery`), so a list of
20 cards or a full article page costs one query whatever the number of
authors, tags, people or related articles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models import BooleanField, Exists, JSONField, OuterRef, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import JSONObject
from django.db.models.query import get_related_populators
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from taggit.models import TaggedItem

from articles.links import cached_reverse
from articles.models import (
    Article,
    ArticleAuthor,
    ArticlePerson,
    Correction,
    RelatedArticle,
    Source,
)
from articles.querysets import published_q
from standards.models import Deindexing


def _rows(queryset: QuerySet, **fields) -> ArraySubquery:
    return ArraySubquery(queryset.values(json=JSONObject(**fields)))


# Stands for the current time while an annotation is compiled; replaced per query.
_NOW = datetime(1970, 1, 1, 0, 0, 0, 424242, tzinfo=UTC)


class CompiledRows:
    """A JSON-array annotation of Article rows, compiled by the ORM once per process.

    Building and compiling an `ArraySubquery` costs about 0.75 ms of CPU each
    time, and the article page has seven; its SQL never changes, so it is
    compiled the first time (against a top-level Article query, whose row every
    top-level Article query calls "articles_article") and then reused as RawSQL.
    The published rule's "now" is the only value that changes: it is compiled
    as a stand-in and replaced on each use.
    """

    def __init__(self, build: Callable[[datetime], ArraySubquery]):
        self.build = build
        self.compiled: tuple[str, tuple] | None = None

    def __call__(self, now: datetime | None = None) -> RawSQL:
        if self.compiled is None:
            query = Article.objects.annotate(rows=self.build(_NOW)).query
            sql, params = query.get_compiler(DEFAULT_DB_ALIAS).compile(query.annotations["rows"])
            self.compiled = (sql, tuple(params))
        sql, params = self.compiled
        return RawSQL(sql, _at_now(params, now), output_field=ArrayField(JSONField()))


def _at_now(params: tuple, now: datetime | None = None) -> tuple:
    if _NOW not in params:
        return params
    now = now or timezone.now()
    return tuple(now if param == _NOW else param for param in params)


_compiled_queries: dict[tuple, tuple[str, tuple]] = {}


def compiled_rows(key: tuple, build: Callable[[datetime], QuerySet]) -> list[tuple]:
    """Rows of the values_list() query `build(now)`, whose SQL depends on `key` only.

    Compiled by the ORM the first time a key is seen (as CompiledRows), then run
    as plain SQL on the database the router reads Articles from. Only for
    columns that need no conversion (ids, text).
    """
    db = router.db_for_read(Article)
    compiled = _compiled_queries.get(key)
    if compiled is None:
        if len(_compiled_queries) > 64:
            _compiled_queries.clear()
        sql, params = build(_NOW).query.get_compiler(using=db).as_sql()
        compiled = _compiled_queries[key] = (sql, tuple(params))
    sql, params = compiled
    with connections[db].cursor() as cursor:
        cursor.execute(sql, _at_now(params))
        return cursor.fetchall()


@dataclass(frozen=True)
class _Slot:
    """Where a value given to PreparedQuery.fetch goes in the compiled parameters."""

    name: str


class PreparedQuery:
    """A model query whose SQL depends only on its shape, compiled by the ORM once.

    The article page's query (select_related of four tables, seven JSON
    annotations) costs about 1.5 ms of CPU to build and compile, more than
    PostgreSQL takes to run it. `build(now, **values)` returns the queryset;
    it is compiled once per process and database with stand-ins for the
    values and for "now", and each call runs that SQL with the real ones and
    builds the instances the way Django's ModelIterable does (select_related
    objects and annotations included). It leans on ORM internals
    (SQLCompiler.select/klass_info, RelatedPopulator), so a test compares its
    result with the plain queryset's, field by field.
    """

    def __init__(self, build: Callable[..., QuerySet]):
        self.build = build
        self.plans: dict[str, tuple] = {}

    def _plan(self, db: str, names: tuple[str, ...]) -> tuple:
        stand_ins = {name: f"\x1fstand-in:{name}" for name in names}
        compiler = self.build(_NOW, **stand_ins).query.get_compiler(using=db)
        sql, params = compiler.as_sql()
        slots = {stand_in: _Slot(name) for name, stand_in in stand_ins.items()}
        params = tuple(slots.get(p, p) if isinstance(p, str) else p for p in params)
        select, klass_info = compiler.select, compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        return (
            sql,
            params,
            klass_info["model"],
            [column[0].target.attname for column in select[start:end]],
            (start, end),
            get_related_populators(klass_info, select, db),
            list(compiler.annotation_col_map.items()),
            list(compiler.get_converters([s[0] for s in select[: compiler.col_count]]).items()),
        )

    def fetch(self, **values) -> list:
        db = router.db_for_read(Article)
        plan = self.plans.get(db)
        if plan is None:
            plan = self.plans[db] = self._plan(db, tuple(sorted(values)))
        sql, params, model, init_list, (start, end), populators, annotations, converters = plan
        now = timezone.now()
        params = [values[p.name] if type(p) is _Slot else now if p == _NOW else p for p in params]
        connection = connections[db]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        found = []
        for row in rows:
            row = list(row)
            for position, (functions, expression) in converters:
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
            obj = model.from_db(db, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in annotations:
                setattr(obj, name, row[position])
            found.append(obj)
        return found


_byline = CompiledRows(
    lambda now: _rows(
        ArticleAuthor.objects.filter(article=OuterRef("pk")).order_by("position", "id"),
        name="author__name",
        slug="author__slug",
        role="author__role",
    )
)
_tags = CompiledRows(
    lambda now: _rows(
        TaggedItem.objects.filter(
            object_id=OuterRef("pk"),
            content_type__app_label="articles",
            content_type__model="article",
        ).order_by("tag__name"),
        name="tag__name",
        slug="tag__slug",
    )
)
_people = CompiledRows(
    lambda now: _rows(
        ArticlePerson.objects.filter(article=OuterRef("pk")).order_by("position", "id"),
        name="person__name",
        slug="person__slug",
        role="person__role",
        organisation="person__organisation",
        article_role="role",
    )
)
_sources = CompiledRows(
    lambda now: _rows(
        Source.objects.filter(article=OuterRef("pk")).order_by("position", "id"),
        title="title",
        url="url",
        doi="doi",
    )
)
_corrections = CompiledRows(
    lambda now: _rows(
        Correction.objects.filter(article=OuterRef("pk")).order_by("created_at", "id"),
        id="id",
        created_at="created_at",
        note="note",
        kind="kind",
    )
)
RELATED_CARD = {
    "title": "title",
    "slug": "slug",
    "standfirst": "standfirst",
    "publish_at": "publish_at",
    "is_sponsored": "is_sponsored",
    "section_name": "section__name",
    "section_slug": "section__slug",
}
RELATED_LIMIT = 4
_related = CompiledRows(
    lambda now: _rows(
        RelatedArticle.objects.filter(
            published_q(now, prefix="target__"),
            article=OuterRef("pk"),
            target__deindexing__isnull=True,
        ).order_by("position")[:RELATED_LIMIT],
        **{name: f"target__{path}" for name, path in RELATED_CARD.items()},
    )
)
_section_newest = CompiledRows(
    lambda now: _rows(
        Article.objects.published(now)
        .filter(section=OuterRef("section_id"), deindexing__isnull=True)
        .exclude(pk=OuterRef("pk"))
        .newest_first()[:RELATED_LIMIT],
        **RELATED_CARD,
    )
)


# What cards (and the feeds built from them) read; anything else would cost a
# query per card, which the pages' exact query counts would show.
CARD_FIELDS = (
    "kind",
    "title",
    "slug",
    "standfirst",
    "section__name",
    "section__slug",
    "is_sponsored",
    "publish_at",
    "material_update_at",
    "lead_image",
    "lead_image_alt",
    "lead_image_credit",
    "lead_image_renditions",
)


def cards(queryset: QuerySet[Article]) -> QuerySet[Article]:
    """What a card in a list shows: section, byline (as `byline` dicts), no body."""
    return queryset.select_related("section").only(*CARD_FIELDS).annotate(byline=_byline())


def by_ids(ids) -> QuerySet[Article]:
    """Articles with these ids, in one SQL text whatever their number (prepared once)."""
    return Article.objects.filter(
        RawSQL("articles_article.id = ANY(%s)", [list(ids)], output_field=BooleanField())
    )


class NewestCards:
    """Cards of a list page, newest first, for Django's Paginator.

    Paginating the card query itself would make PostgreSQL build every card
    it skips (the byline subquery included) before OFFSET throws it away: page
    155 of a section built 3,100 cards to show 20. Here the page's ids come from
    a subquery that reads the (section, publish_at, id) index alone, and only
    those 20 cards are built; still one query per page.
    """

    def __init__(self, queryset: QuerySet[Article]):
        self.queryset = queryset.newest_first()

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, page: slice) -> list[Article]:
        ids = self.queryset.values("pk")[page]
        return list(cards(Article.objects.filter(pk__in=ids)).newest_first())


def full_page(queryset: QuerySet[Article], now: datetime | None = None) -> QuerySet[Article]:
    """Everything the article page shows, in the article's own row.

    With the stored related list (`related_list`) and, for when it is empty, the
    section's newest articles (`section_newest`), RELATED_LIMIT of each, as
    `RelatedCard` rows; the published rule applies to them at read time (`now`).
    """
    return (
        queryset.select_related(
            "section__parent", "medical_reviewer_person", "medical_reviewer_author"
        )
        .defer("search_vector")
        .annotate(
            # Diritto all'oblio (standards.Deindexing): the page says noindex.
            deindexed=Exists(Deindexing.objects.filter(article=OuterRef("pk"))),
            byline=_byline(now),
            tag_list=_tags(now),
            people_list=_people(now),
            source_list=_sources(now),
            correction_list=_corrections(now),
            related_list=_related(now),
            section_newest=_section_newest(now),
        )
    )


# The public article page: the published article with this slug, if any.
published_page = PreparedQuery(
    lambda now, slug: full_page(Article.objects.published(now).filter(slug=slug), now)
)


@dataclass(frozen=True)
class RelatedCard:
    """A related article as the article page shows it, from its JSON row."""

    title: str
    slug: str
    standfirst: str
    publish_at: datetime
    is_sponsored: bool
    section_name: str
    section_slug: str

    @classmethod
    def from_row(cls, row: dict) -> RelatedCard:
        return cls(**{**row, "publish_at": parse_datetime(row["publish_at"])})

    def get_absolute_url(self) -> str:
        return cached_reverse("articles:detail", section=self.section_slug, slug=self.slug)

    @property
    def section_url(self) -> str:
        return cached_reverse("articles:section", slug=self.section_slug)


def source_link(source: dict) -> str:
    return source["url"] or f"https://doi.org/{source['doi']}"


def corrections(article: Article) -> list[dict]:
    """The corrections log with real datetimes (JSON carries them as text)."""
    return [
        {
            "id": row.get("id"),
            "created_at": parse_datetime(row["created_at"]),
            "note": row["note"],
            "is_rettifica": row.get("kind") == Correction.Kind.RETTIFICA,
        }
        for row in article.correction_list
    ]
