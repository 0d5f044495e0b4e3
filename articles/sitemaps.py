"""Sitemaps: an index split in pages (valid past 100,000 articles), a Google
News sitemap of the last 48 hours, and robots.txt pointing to both.

Locations are absolute from SITE_URL, not from the request's host.
"""

from __future__ import annotations

import math
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import escape

from articles.models import Article, Section
from edgecache.tags import tag
from standards.robots import ai_crawler_rules

# Small enough that a page is quick to build (a crawler reads them all anyway).
ARTICLES_PER_SITEMAP = 2_000
NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000  # Google News reads at most 1,000 URLs per sitemap.
# PostgreSQL's OFFSET is a bigint: a page past it cannot exist (and must not reach the query).
MAX_SITEMAP_PAGE = (2**63 - 1) // ARTICLES_PER_SITEMAP


class SiteUrlSitemap(Sitemap):
    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme


class PagesSitemap(SiteUrlSitemap):
    """Home, sections, the index pages (archive by year, authors, people, tags) and
    the transparency page."""

    changefreq = "hourly"
    INDEXES = ("articles:archive", "articles:authors", "articles:people", "articles:tags")

    def items(self):
        years = Article.objects.published().dates("publish_at", "year", order="DESC")
        return [
            reverse("articles:home"),
            *Section.objects.filter(is_active=True).order_by("pk"),
            *(reverse(name) for name in self.INDEXES),
            *(reverse("articles:archive-year", args=[day.year]) for day in years),
            reverse("standards:transparency"),
        ]

    def location(self, item):
        return item if isinstance(item, str) else item.get_absolute_url()


class ArticleSitemap(SiteUrlSitemap):
    limit = ARTICLES_PER_SITEMAP

    def items(self):
        # Oldest first, so a page's contents stay put as new articles arrive.
        return (
            Article.objects.published()
            .indexable()
            .select_related("section")
            .only("slug", "section__slug", "updated_at", "publish_at")
            .order_by("publish_at", "id")
        )

    def lastmod(self, item):
        return item.updated_at


class NewsSitemap(SiteUrlSitemap):
    limit = NEWS_LIMIT

    def items(self):
        return (
            Article.objects.published()
            .indexable()
            .filter(publish_at__gte=timezone.now() - NEWS_WINDOW)
            .select_related("section")
            .only("slug", "title", "section__slug", "publish_at", "updated_at")
            .newest_first()
        )

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {"pagine": PagesSitemap, "articoli": ArticleSitemap}


def index(request):
    """The sitemap index: one entry per page of each sitemap (one COUNT each)."""
    tag(request, "sitemap")
    base = settings.SITE_URL
    entries = []
    for name, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        url = base + reverse("sitemaps:section", kwargs={"section": name})
        pages = 1
        if name == "articoli":
            pages = max(
                1, math.ceil(Article.objects.published().indexable().count() / sitemap.limit)
            )
        entries.extend(url if page == 1 else f"{url}?p={page}" for page in range(1, pages + 1))
    return TemplateResponse(
        request,
        "articles/sitemap_index.xml",
        {"entries": entries},
        content_type="application/xml; charset=utf-8",
    )


def section(request, section):
    tag(request, "sitemap")
    if section == "articoli":
        return articles_page(request)
    return sitemap_views.sitemap(request, SITEMAPS, section=section)


def articles_page(request):
    """One page of the article sitemap, written directly.

    Same output as Django's sitemap view, without building a model, a URL
    reverse and a template node per article.
    """
    try:
        page = int(request.GET.get("p", "1"))
    except ValueError:
        raise Http404("Pagina inesistente") from None
    limit = ArticleSitemap.limit
    if not 1 <= page <= MAX_SITEMAP_PAGE:
        raise Http404("Pagina inesistente")
    # The page's ids from an index-only scan, then only those rows: with a plain
    # OFFSET, page 50 of 100,000 articles read 98,000 rows to skip them (340 ms).
    ids = (
        Article.objects.published()
        .indexable()
        .order_by("publish_at", "id")
        .values("pk")[(page - 1) * limit : page * limit]
    )
    rows = list(
        Article.objects.filter(pk__in=ids)
        .order_by("publish_at", "id")
        .values_list("section__slug", "slug", "updated_at")
    )
    if not rows and page > 1:
        raise Http404("Pagina inesistente")
    # Slugs are [-\w]+, so placeholders can be swapped in the reversed path safely.
    pattern = settings.SITE_URL + reverse(
        "articles:detail", kwargs={"section": "SECTION0", "slug": "SLUG0"}
    )
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n']
    parts.append('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n')
    for section_slug, slug, updated_at in rows:
        location = pattern.replace("SECTION0", section_slug, 1).replace("SLUG0", slug, 1)
        parts.append(
            f"<url><loc>{escape(location)}</loc>"
            f"<lastmod>{updated_at.isoformat(timespec='seconds')}</lastmod></url>\n"
        )
    parts.append("</urlset>\n")
    response = HttpResponse("".join(parts), content_type="application/xml; charset=utf-8")
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


def news(request):
    tag(request, "sitemap")
    return sitemap_views.sitemap(
        request,
        {"news": NewsSitemap},
        template_name="articles/sitemap_news.xml",
        content_type="application/xml; charset=utf-8",
    )


def robots_txt(request):
    lines = [
        "User-agent: *",
        # A custom ADMIN_PATH stays out of this public file; admin pages say noindex.
        *(["Disallow: /admin/"] if settings.ADMIN_PATH == "admin/" else []),
        "Disallow: /anteprima/",
        "Disallow: /cerca/",
        "Disallow: /ckeditor/",
        "",
        *ai_crawler_rules(),
        f"Sitemap: {settings.SITE_URL}{reverse('sitemaps:index')}",
        f"Sitemap: {settings.SITE_URL}{reverse('sitemaps:news')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


app_name = "sitemaps"

urlpatterns = [
    path("sitemap.xml", index, name="index"),
    path("sitemap-news.xml", news, name="news"),
    path("sitemap-<slug:section>.xml", section, name="section"),
    path("robots.txt", robots_txt, name="robots"),
]
