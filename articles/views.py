"""Reader pages. Each renders in a fixed number of queries (tests assert them).

Nothing here depends on who is reading, so every page can be cached whole.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, time, timedelta
from html import unescape

from django import forms
from django.conf import settings
from django.db.models import Q, Value
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.templatetags.static import static
from django.utils import timezone
from django.utils.html import escape, format_html, strip_tags
from django.views.generic import DetailView, ListView, TemplateView
from taggit.models import Tag

from articles import pages, structured
from articles.links import cached_reverse
from articles.models import Article, Author, Person, Publisher, Section
from articles.search import (
    MAX_QUERY_LENGTH,
    Filters,
    SearchResults,
    clean_query,
    highlight,
    suggest,
)
from articles.templatetags.articles import mese_it
from edgecache.tags import model_tags, tag
from readers.access import audience_label

PAGE_SIZE = 20
HOME_TOP = 5
HOME_LATEST = 8
HOME_PER_SECTION = 4


class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        sections = Section.navigation()
        tree = Section.tree()
        shape = tuple((section.pk, tuple(section.descendant_ids(tree))) for section in sections)

        # One query for the ids of every block, one for their cards.
        published = Article.objects.published().newest_first()
        parts = [
            Article.objects.published()
            .order_by("-is_featured", "-priority", "-publish_at", "-id")
            .annotate(block=Value("top"))
            .values_list("pk", "block")[:HOME_TOP],
            published.annotate(block=Value("latest")).values_list("pk", "block")[
                : HOME_LATEST + HOME_TOP
            ],
        ]
        for section_pk, ids in shape:
            parts.append(
                published.filter(section__in=ids)
                .annotate(block=Value(f"s{section_pk}"))
                .values_list("pk", "block")[: HOME_PER_SECTION + HOME_TOP]
            )
        rows = list(parts[0].union(*parts[1:], all=True))
        ids: dict[str, list[int]] = {}
        for pk, block in rows:
            ids.setdefault(block, []).append(pk)

        # Each article once: the top stories first, then the latest, then the sections.
        top_ids = ids.get("top", [])
        used = set(top_ids)

        def fresh(block: str, limit: int) -> list[int]:
            return [pk for pk in ids.get(block, []) if pk not in used][:limit]

        latest_ids = fresh("latest", HOME_LATEST)
        block_ids = {section.pk: fresh(f"s{section.pk}", HOME_PER_SECTION) for section in sections}
        # Cards only for what is shown (the ids above fetch a few spares per block).
        wanted = {*top_ids, *latest_ids, *(pk for pks in block_ids.values() for pk in pks)}
        by_id = {a.pk: a for a in pages.cards(Article.objects.filter(pk__in=wanted))}
        top = [by_id[pk] for pk in top_ids]
        latest = [by_id[pk] for pk in latest_ids]
        section_blocks = [
            {"section": section, "articles": [by_id[pk] for pk in block_ids[section.pk]]}
            for section in sections
        ]
        publisher = Publisher.load()
        shown = [*top, *latest, *(a for block in section_blocks for a in block["articles"])]
        tag(self.request, "home", *model_tags("article", shown))
        return super().get_context_data(
            structured_data=home_structured_data(publisher),
            lead=top[0] if top else None,
            top_stories=top[1:],
            latest=latest,
            section_blocks=[block for block in section_blocks if block["articles"]],
            **kwargs,
        )


class PaginatedListView(ListView):
    paginate_by = PAGE_SIZE
    context_object_name = "articles"

    def list_tags(self) -> list[str]:
        """The cache tags of the list itself (its membership and order)."""
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tag(self.request, *self.list_tags(), *model_tags("article", context["articles"]))
        return context


class SectionView(PaginatedListView):
    template_name = "articles/section_detail.html"

    def get_queryset(self):
        # The section, its parent (breadcrumb) and its sub-sections in one query.
        found = list(
            Section.objects.select_related("parent").filter(
                Q(slug=self.kwargs["slug"]) | Q(parent__slug=self.kwargs["slug"]),
                is_active=True,
            )
        )
        section = next((s for s in found if s.slug == self.kwargs["slug"]), None)
        if section is None:
            raise Http404("Sezione inesistente")
        self.section = section
        self.subsections = [s for s in found if s is not section]
        self.in_section = Article.objects.published().in_section(section)
        return pages.NewestCards(self.in_section)

    def list_tags(self):
        return [f"section-{self.section.pk}"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        featured = None
        if context["page_obj"].number == 1:
            featured = (
                pages.cards(self.in_section.filter(is_featured=True))
                .order_by("-priority", "-publish_at", "-id")
                .first()
            )
        if featured is not None:  # shown once, on top
            context["articles"] = [a for a in context["articles"] if a.pk != featured.pk]
            tag(self.request, f"article-{featured.pk}")
        context.update(section=self.section, subsections=self.subsections, featured=featured)
        context["structured_data"] = structured.collection_page(
            Publisher.load(),
            name=self.section.name,
            path=self.section.get_absolute_url(),
            description=self.section.description,
        )
        return context


class ArticleDetailView(DetailView):
    """The article page. Preview views subclass it and override get_queryset only,
    returning `pages.full_page()` of the articles they may show."""

    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return pages.published_page()

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if "section" in self.kwargs and self.object.section.slug != self.kwargs["section"]:
            return HttpResponsePermanentRedirect(self.object.get_absolute_url())
        context = self.get_context_data(object=self.object)
        response = self.render_to_response(context)
        if getattr(self.object, "deindexed", False):
            # Diritto all'oblio: readable at its address, kept out of search engines.
            response["X-Robots-Tag"] = "noindex"
        return response

    def get_context_data(self, **kwargs):
        article = self.object
        related = []
        tag(self.request, f"article-{article.pk}")
        if article.related_enabled:
            related = [pages.RelatedCard.from_row(row) for row in article.related_list]
            tag(self.request, f"related-{article.pk}")
            if not related:  # until the stored list is computed
                related = pages.section_newest(article)
                tag(self.request, f"section-{article.section_id}")
        interviewees = [p for p in article.people_list if p["article_role"] == "interviewee"]
        context = super().get_context_data(
            related=related,
            interviewees=interviewees,
            corrections=pages.corrections(article),
            sources=[dict(s, link=pages.source_link(s)) for s in article.source_list],
            share_url=settings.SITE_URL + article.get_absolute_url(),
            noindex=getattr(article, "deindexed", False),
            **kwargs,
        )
        context["rettifiche"] = [c for c in context["corrections"] if c["is_rettifica"]]
        if article.is_reserved:
            context["audience"] = audience_label(article)
            context["esi"] = edge_includes(self.request)
        publisher = Publisher.load()
        context["structured_data"] = article_structured_data(article, context, publisher)
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context.get("esi"):
            # The edge (deploy/varnish) fills the reserved body in per reader.
            response["Surrogate-Control"] = 'content="ESI/1.0"'
        return response


def edge_includes(request) -> bool:
    """True when the request came through an edge that processes ESI (our VCL says so)."""
    return "ESI/1.0" in request.headers.get("Surrogate-Capability", "")


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def home_structured_data(publisher: Publisher) -> list[dict]:
    """The home page: the site with its search action, and who publishes it."""
    from standards.structured import organization

    return [structured.website(publisher), organization(publisher)]


def article_structured_data(article: Article, context: dict, publisher: Publisher) -> list[dict]:
    """schema.org NewsArticle and BreadcrumbList for the article page."""
    url = absolute(article.get_absolute_url())
    # A draft seen in preview has no publication time yet.
    published = article.publish_at or article.updated_at
    logo = publisher.logo.url if publisher.logo else static("img/logo-sanita33.png")
    news = {
        "@context": "https://schema.org",
        "@type": article_schema_type(article),
        "genre": "Contenuto sponsorizzato" if article.is_sponsored else article.kind_label,
        "headline": article.title[:110],
        "description": article.seo_description or article.standfirst,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "datePublished": published.isoformat(),
        "dateModified": (article.material_update_at or published).isoformat(),
        "articleSection": article.section.name,
        "inLanguage": "it-IT",
        "author": [
            {
                "@type": "Person",
                "name": author["name"],
                "url": absolute(cached_reverse("articles:author", slug=author["slug"])),
            }
            for author in article.byline
        ]
        or [{"@type": "Organization", "name": publisher.site_name, "url": absolute("/")}],
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": publisher.site_name,
            "url": absolute("/"),
            "logo": {"@type": "ImageObject", "url": absolute(logo)},
        },
    }
    if article.tag_list:
        news["keywords"] = [tag["name"] for tag in article.tag_list]
    if article.lead_image:
        news["image"] = [absolute(article.lead_image.url)]
    if context["corrections"]:
        news["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": correction["note"],
                "datePublished": correction["created_at"].isoformat(),
            }
            for correction in context["corrections"]
        ]
    if article.is_reserved:
        # Google's markup for gated content: the body is not cloaked, it is reserved.
        news["isAccessibleForFree"] = False
        news["hasPart"] = {
            "@type": "WebPageElement",
            "isAccessibleForFree": False,
            "cssSelector": ".story__body",
        }
    if article.is_sponsored and article.sponsor_name:
        news["sponsor"] = {"@type": "Organization", "name": article.sponsor_name}
    reviewer = article.medical_reviewer
    if reviewer is not None:
        news["reviewedBy"] = {
            "@type": "Person",
            "name": reviewer.name,
            "url": absolute(reviewer.get_absolute_url()),
        }
        if article.last_reviewed:
            news["lastReviewed"] = article.last_reviewed.isoformat()
    items = [news]
    if reviewer is not None:
        items.append(medical_web_page(article, url, news["reviewedBy"]))
    trail = [(publisher.site_name, absolute("/"))]
    if article.section.parent_id:
        parent = article.section.parent
        trail.append((parent.name, absolute(parent.get_absolute_url())))
    trail.append((article.section.name, absolute(article.section.get_absolute_url())))
    trail.append((article.title, url))
    breadcrumbs = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": item}
            for n, (name, item) in enumerate(trail, start=1)
        ],
    }
    return [*items, breadcrumbs]


# schema.org's NewsArticle subtypes for our labels; an interview stays a NewsArticle.
SCHEMA_TYPES = {
    Article.Kind.OPINION: "OpinionNewsArticle",
    Article.Kind.ANALYSIS: "AnalysisNewsArticle",
}


def article_schema_type(article: Article) -> str:
    if article.is_sponsored:
        return "AdvertiserContentArticle"
    return SCHEMA_TYPES.get(article.kind, "NewsArticle")


def medical_web_page(article: Article, url: str, reviewed_by: dict) -> dict:
    """The page of a medically reviewed article, for health search features.

    The audience is patients unless the article is reserved for health
    professionals (an `audience` other than public, when that field exists).
    """
    professional = getattr(article, "audience", "public") not in ("", "public")
    page = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "@id": url + "#pagina-medica",
        "url": url,
        "name": article.title,
        "inLanguage": "it-IT",
        "reviewedBy": reviewed_by,
        "medicalAudience": (
            {"@type": "MedicalAudience", "audienceType": "Clinician"}
            if professional
            else {"@type": "Patient"}
        ),
    }
    if article.last_reviewed:
        page["lastReviewed"] = article.last_reviewed.isoformat()
    return page


class AuthorView(PaginatedListView):
    template_name = "articles/author_detail.html"

    def get_queryset(self):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        return pages.NewestCards(
            Article.objects.published().filter(article_authors__author=self.author)
        )

    def list_tags(self):
        return [f"author-{self.author.pk}"]

    def get_context_data(self, **kwargs):
        data = structured.profile_page(
            Publisher.load(),
            person=structured.author_person(self.author),
            path=self.author.get_absolute_url(),
        )
        return super().get_context_data(author=self.author, structured_data=data, **kwargs)


class PersonView(PaginatedListView):
    template_name = "articles/person_detail.html"

    def get_queryset(self):
        self.person = get_object_or_404(Person, slug=self.kwargs["slug"])
        return pages.NewestCards(
            Article.objects.published().filter(article_people__person=self.person)
        )

    def list_tags(self):
        return [f"person-{self.person.pk}"]

    def get_context_data(self, **kwargs):
        data = structured.profile_page(
            Publisher.load(),
            person=structured.quoted_person(self.person),
            path=self.person.get_absolute_url(),
        )
        return super().get_context_data(person=self.person, structured_data=data, **kwargs)


class TagView(PaginatedListView):
    template_name = "articles/tag_detail.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return pages.NewestCards(Article.objects.published().filter(tags=self.tag))

    def list_tags(self):
        return [f"tag-{self.tag.pk}"]

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class ArchiveMonthView(PaginatedListView):
    template_name = "articles/archive_month.html"

    def get_queryset(self):
        year, month = self.kwargs["year"], self.kwargs["month"]
        # A month that has not begun holds nothing published (embargoes hide the future).
        today = timezone.localdate()
        if not (1 <= month <= 12 and 1990 <= year <= today.year):
            raise Http404("Mese inesistente")
        self.month = date(year, month, 1)
        if self.month > today:
            raise Http404("Mese inesistente")
        last_day = calendar.monthrange(year, month)[1]
        start = timezone.make_aware(datetime.combine(self.month, time.min))
        end = timezone.make_aware(datetime.combine(date(year, month, last_day), time.max))
        return pages.NewestCards(Article.objects.published().filter(publish_at__range=(start, end)))

    def list_tags(self):
        return [f"archive-{self.month:%Y-%m}"]

    def get_context_data(self, **kwargs):
        previous = (self.month - timedelta(days=1)).replace(day=1)
        following = date(self.month.year + (self.month.month == 12), self.month.month % 12 + 1, 1)
        today = timezone.localdate()
        return super().get_context_data(
            month=self.month,
            month_label=mese_it(self.month),
            previous_month=previous,
            next_month=following if following <= today else None,
            **kwargs,
        )


class HtmlDateInput(forms.DateInput):
    """<input type="date">: its value must be ISO, so a mistyped date is not echoed back."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")

    def format_value(self, value):
        if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return None
        return super().format_value(value)


class SearchForm(forms.Form):
    q = forms.CharField(label="Cerca", required=False)
    sezione = forms.ChoiceField(label="Sezione", required=False)
    dal = forms.DateField(label="Dal", required=False, widget=HtmlDateInput)
    al = forms.DateField(label="Al", required=False, widget=HtmlDateInput)

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sezione"].choices = [("", "Tutte le sezioni")] + [
            (s.slug, str(s)) for s in sections
        ]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("dal"), cleaned.get("al")
        if start and end and start > end:
            self.add_error("al", "La data finale viene prima di quella iniziale.")
        return cleaned


class SearchView(PaginatedListView):
    template_name = "articles/search.html"

    def get_queryset(self):
        sections = list(
            Section.objects.filter(is_active=True)
            .select_related("parent")
            .order_by("parent__position", "position", "name")
        )
        self.form = SearchForm(self.request.GET or None, sections=sections)
        self.form.is_valid()
        data = getattr(self.form, "cleaned_data", {})
        raw = self.request.GET.get("q") or ""
        self.query = clean_query(raw)
        # Said on the page: the words after the limit were not searched.
        self.shortened = len(" ".join(raw.split())) > MAX_QUERY_LENGTH
        if not self.query:
            return Article.objects.none()
        chosen = next((s for s in sections if s.slug == data.get("sezione")), None)
        filters = Filters(
            section_ids=_with_descendants(chosen, sections) if chosen else None,
            date_from=data.get("dal"),
            date_to=data.get("al"),
        )
        return SearchResults(self.query, filters, prepare=pages.cards)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        results = context["object_list"]
        for article in results:
            title_html = highlight(article.headline_title)
            # ts_headline drops anything that looks like a tag; never lose title text.
            if unescape(strip_tags(title_html)) != article.title:
                title_html = escape(article.title)
            article.title_html = title_html
            snippet = highlight(article.headline_text, from_html=True)
            # A fragment from the middle of the text reads better after an ellipsis.
            if not (article.standfirst or "").startswith(unescape(strip_tags(snippet))[:20]):
                snippet = format_html("… {}", snippet)
            article.snippet_html = snippet
        suggestion = None
        if self.query and not context["paginator"].count:
            suggestion = suggest(self.query)
        context.update(
            form=self.form,
            query=self.query,
            suggestion=suggestion,
            shortened=self.shortened,
            max_query_length=MAX_QUERY_LENGTH,
        )
        return context

    def paginate_queryset(self, queryset, page_size):
        if not self.query:
            return None, None, queryset, False
        return super().paginate_queryset(queryset, page_size)


def _with_descendants(section: Section, sections: list[Section]) -> list[int]:
    """Ids of a section and its sub-sections, from an already loaded list."""
    ids, frontier = [section.pk], [section.pk]
    while frontier:
        frontier = [s.pk for s in sections if s.parent_id in frontier]
        ids.extend(frontier)
    return ids


class PrivacyView(TemplateView):
    template_name = "pages/privacy.html"
