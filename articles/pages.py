"""What reader pages read, in a fixed number of queries, with the plain ORM.

Bylines, tags, people, sources, corrections and the related-articles block
travel inside the article row as JSON arrays (`ArraySubquery`), so a list of
20 cards or a full article page costs one query whatever the number of
authors, tags, people or related articles (plus one, on an article whose
related list is not computed yet, for the section's newest).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import JSONObject, Now
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


def _byline() -> ArraySubquery:
    return _rows(
        ArticleAuthor.objects.filter(article=OuterRef("pk")).order_by("position", "id"),
        name="author__name",
        slug="author__slug",
        role="author__role",
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


def full_page(queryset: QuerySet[Article], now: datetime | Now | None = None) -> QuerySet[Article]:
    """Everything the article page shows, in the article's own row.

    With the stored related list (`related_list`, RELATED_LIMIT `RelatedCard`
    rows); the published rule applies to them at read time (`now`).
    """
    now = now or timezone.now()
    article = OuterRef("pk")
    # A de-indexed article (diritto all'oblio) leaves other articles' related lists.
    related = RelatedArticle.objects.filter(
        published_q(now, prefix="target__"), article=article, target__deindexing__isnull=True
    )
    return (
        queryset.select_related(
            "section__parent", "medical_reviewer_person", "medical_reviewer_author"
        )
        .defer("search_vector")
        .annotate(
            # Diritto all'oblio (standards.Deindexing): the page says noindex.
            deindexed=Exists(Deindexing.objects.filter(article=article)),
            byline=_byline(),
            tag_list=_rows(
                TaggedItem.objects.filter(
                    object_id=article,
                    content_type__app_label="articles",
                    content_type__model="article",
                ).order_by("tag__name"),
                name="tag__name",
                slug="tag__slug",
            ),
            people_list=_rows(
                ArticlePerson.objects.filter(article=article).order_by("position", "id"),
                name="person__name",
                slug="person__slug",
                role="person__role",
                organisation="person__organisation",
                article_role="role",
            ),
            source_list=_rows(
                Source.objects.filter(article=article).order_by("position", "id"),
                title="title",
                url="url",
                doi="doi",
            ),
            correction_list=_rows(
                Correction.objects.filter(article=article).order_by("created_at", "id"),
                id="id",
                created_at="created_at",
                note="note",
                kind="kind",
            ),
            related_list=_rows(
                related.order_by("position")[:RELATED_LIMIT],
                **{name: f"target__{path}" for name, path in RELATED_CARD.items()},
            ),
        )
    )


@functools.cache
def published_page() -> QuerySet[Article]:
    """`full_page` of the published articles, built once per process.

    Resolving its subqueries took 3.7 ms of the page's 12 ms of CPU on
    every request; a view filters this one instead (a filter clones it). It
    compares with the database's clock (`Now()`), so it never goes stale.
    """
    return full_page(Article.objects.published(Now()), now=Now())


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


def section_newest(article: Article) -> list[RelatedCard]:
    """What stands in for the related list until it is computed: the section's
    newest articles. One more query, only on the pages that need it."""
    rows = (
        Article.objects.published()
        .indexable()
        .filter(section=article.section_id)
        .exclude(pk=article.pk)
        .newest_first()
        .values(*RELATED_CARD.values())[:RELATED_LIMIT]
    )
    return [RelatedCard(**{name: row[path] for name, path in RELATED_CARD.items()}) for row in rows]


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
