"""What reader pages read, in a fixed number of queries.

Bylines, tags, people, sources and corrections travel inside the article row
as JSON arrays (`ArraySubquery`), so a list of 20 cards or a full article page
costs one query whatever the number of authors, tags or people.
"""

from __future__ import annotations

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, QuerySet
from django.db.models.functions import JSONObject
from django.utils.dateparse import parse_datetime
from taggit.models import TaggedItem

from articles.models import (
    Article,
    ArticleAuthor,
    ArticlePerson,
    Correction,
    Source,
)


def _rows(queryset: QuerySet, **fields) -> ArraySubquery:
    return ArraySubquery(queryset.values(json=JSONObject(**fields)))


def _byline() -> ArraySubquery:
    return _rows(
        ArticleAuthor.objects.filter(article=OuterRef("pk")).order_by("position", "id"),
        name="author__name",
        slug="author__slug",
        role="author__role",
    )


def _tags() -> ArraySubquery:
    return _rows(
        TaggedItem.objects.filter(
            object_id=OuterRef("pk"),
            content_type__app_label="articles",
            content_type__model="article",
        ).order_by("tag__name"),
        name="tag__name",
        slug="tag__slug",
    )


def cards(queryset: QuerySet[Article]) -> QuerySet[Article]:
    """What a card in a list shows: section, byline (as `byline` dicts), no body."""
    return (
        queryset.select_related("section")
        .defer("body", "search_vector", "highlighted_quote", "publish_check_override")
        .annotate(byline=_byline())
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


def full_page(queryset: QuerySet[Article]) -> QuerySet[Article]:
    """Everything the article page shows, in the article's own row."""
    return queryset.select_related(
        "section__parent", "medical_reviewer_person", "medical_reviewer_author"
    ).annotate(
        byline=_byline(),
        tag_list=_tags(),
        people_list=_rows(
            ArticlePerson.objects.filter(article=OuterRef("pk")).order_by("position", "id"),
            name="person__name",
            slug="person__slug",
            role="person__role",
            organisation="person__organisation",
            article_role="role",
        ),
        source_list=_rows(
            Source.objects.filter(article=OuterRef("pk")).order_by("position", "id"),
            title="title",
            url="url",
            doi="doi",
        ),
        correction_list=_rows(
            Correction.objects.filter(article=OuterRef("pk")).order_by("created_at", "id"),
            created_at="created_at",
            note="note",
        ),
    )


def source_link(source: dict) -> str:
    return source["url"] or f"https://doi.org/{source['doi']}"


def corrections(article: Article) -> list[dict]:
    """The corrections log with real datetimes (JSON carries them as text)."""
    return [
        {"created_at": parse_datetime(row["created_at"]), "note": row["note"]}
        for row in article.correction_list
    ]
