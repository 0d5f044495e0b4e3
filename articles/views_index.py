"""Index pages: the archive by year and month, all authors, people A–Z, tags by use.

Each reads what it lists in one query (plus the masthead's two), whatever the
number of articles: counts are grouped in PostgreSQL, never per row.
"""

from __future__ import annotations

from datetime import date
from itertools import groupby

from django.db.models import Count, Q
from django.db.models.functions import ExtractMonth, ExtractYear, Upper
from django.db.models.functions.text import Left
from django.http import Http404
from django.utils import timezone
from django.views.generic import TemplateView
from taggit.models import TaggedItem

from articles import structured
from articles.models import Article, Author, Person, Publisher
from articles.querysets import published_q
from articles.templatetags.articles import MONTHS
from edgecache.tags import tag


class IndexPage(TemplateView):
    """An index page: its CollectionPage JSON-LD comes with it."""

    title = ""
    description = ""

    def get_context_data(self, **kwargs):
        # Counts change whenever an article joins or leaves the published set,
        # which purges the sitemap's tag too (articles/freshness.py).
        tag(self.request, "sitemap")
        context = super().get_context_data(**kwargs)
        context["structured_data"] = structured.collection_page(
            Publisher.load(),
            name=context.get("title", self.title),
            path=self.request.path,
            description=self.description,
        )
        return context


def _month_counts(queryset) -> list[tuple[int, int, int]]:
    """(year, month, articles) of published articles, newest first, in the local time zone."""
    tz = timezone.get_current_timezone()
    return list(
        queryset.annotate(
            year=ExtractYear("publish_at", tzinfo=tz), month=ExtractMonth("publish_at", tzinfo=tz)
        )
        .order_by()
        .values_list("year", "month")
        .annotate(n=Count("pk"))
        .order_by("-year", "-month")
    )


def _months(rows) -> list[dict]:
    return [
        {"date": date(year, month, 1), "name": MONTHS[month - 1], "count": n}
        for year, month, n in rows
    ]


class ArchiveIndexView(IndexPage):
    """Every year with its months and how many articles each holds."""

    template_name = "articles/archive_index.html"
    title = "Archivio"
    description = "Tutti gli articoli pubblicati, per anno e per mese."

    def get_context_data(self, **kwargs):
        rows = _month_counts(Article.objects.published())
        years = [
            {"year": year, "months": _months(months)}
            for year, months in groupby(rows, key=lambda row: row[0])
        ]
        for year in years:
            year["count"] = sum(m["count"] for m in year["months"])
        return super().get_context_data(years=years, **kwargs)


class ArchiveYearView(IndexPage):
    template_name = "articles/archive_year.html"
    description = "Gli articoli pubblicati nell'anno, mese per mese."

    def get_context_data(self, **kwargs):
        year = kwargs.pop("year")
        if not 1990 <= year <= timezone.localdate().year:
            raise Http404("Anno inesistente")
        # The neighbouring years' counts come in the same query, for the year links.
        rows = _month_counts(
            Article.objects.published().filter(publish_at__year__in=(year - 1, year, year + 1))
        )
        months = _months([row for row in rows if row[0] == year])
        if not months:
            raise Http404("Nessun articolo in questo anno")
        years = {row[0] for row in rows}
        return super().get_context_data(
            title=f"Archivio {year}",
            year=year,
            months=months,
            count=sum(m["count"] for m in months),
            previous_year=year - 1 if year - 1 in years else None,
            next_year=year + 1 if year + 1 in years else None,
            **kwargs,
        )


class AuthorIndexView(IndexPage):
    """Every byline with its role and number of published articles."""

    template_name = "articles/author_index.html"
    title = "Autori"
    description = "Le firme della redazione e dei collaboratori."

    def get_context_data(self, **kwargs):
        authors = (
            Author.objects.annotate(n=Count("articles", filter=published_q(prefix="articles__")))
            .only("name", "slug", "role")
            .order_by("name", "pk")
        )
        return super().get_context_data(authors=list(authors), **kwargs)


class PersonIndexView(IndexPage):
    """People interviewed or quoted, A–Z by initial, with role and organisation."""

    template_name = "articles/person_index.html"
    title = "Persone"
    description = "Le persone intervistate e citate nei nostri articoli, dalla A alla Z."

    def get_context_data(self, **kwargs):
        people = (
            Person.objects.annotate(
                n=Count("articles", filter=published_q(prefix="articles__")),
                initial=Upper(Left("name", 1)),
            )
            .filter(n__gt=0)
            .only("name", "slug", "role", "organisation")
            .order_by("name", "pk")
        )
        by_letter: dict[str, list[Person]] = {}
        for person in people:
            by_letter.setdefault(_letter(person.initial), []).append(person)
        letters = [
            {"letter": letter, "people": by_letter[letter]}
            for letter in sorted(by_letter, key=lambda letter: (letter == "#", letter))
        ]
        return super().get_context_data(letters=letters, **kwargs)


def _letter(initial: str) -> str:
    """The A–Z heading a name goes under: accents folded, anything else under «#»."""
    folded = {"À": "A", "È": "E", "É": "E", "Ì": "I", "Ò": "O", "Ù": "U"}.get(initial, initial)
    return folded if "A" <= folded <= "Z" else "#"


class TagIndexView(IndexPage):
    """Topics by use: how many published articles carry each tag."""

    template_name = "articles/tag_index.html"
    title = "Argomenti"
    description = "Tutti gli argomenti trattati, dai più frequenti."

    def get_context_data(self, **kwargs):
        tags = list(
            TaggedItem.objects.filter(
                Q(content_type__app_label="articles", content_type__model="article"),
                object_id__in=Article.objects.published().values("pk"),
            )
            .values("tag__name", "tag__slug")
            .annotate(n=Count("pk"))
            .order_by("-n", "tag__name")
        )
        return super().get_context_data(tags=tags, **kwargs)
