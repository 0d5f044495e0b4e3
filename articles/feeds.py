"""RSS 2.0 and Atom feeds for the site, each section, tag and author.

Links are absolute from SITE_URL (not the request's host), items carry the
full standfirst, the byline and the lead image (enclosure plus media:content).
"""

from __future__ import annotations

import mimetypes
from contextvars import ContextVar

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from taggit.models import Tag

from articles import pages
from articles.models import Article, Author, Publisher, Section
from edgecache.tags import model_tags, tag

FEED_SIZE = 30
# The articles of the feed being built, for its cache tags (one Feed instance
# serves every request, so nothing per request can live on it).
_shown: ContextVar[list | None] = ContextVar("feed_items", default=None)
MEDIA_NS = "http://search.yahoo.com/mrss/"


class MediaMixin:
    """Adds Media RSS <media:content> for the lead image of each item."""

    def root_attributes(self):
        attrs = super().root_attributes()
        attrs["xmlns:media"] = MEDIA_NS
        return attrs

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        image = item.get("image")
        if image:
            handler.startElement(
                "media:content", {"url": image["url"], "medium": "image", "type": image["type"]}
            )
            if image["alt"]:
                handler.addQuickElement("media:description", image["alt"])
            if image["credit"]:
                handler.addQuickElement("media:credit", image["credit"])
            handler.endElement("media:content")


class RssFeedType(MediaMixin, Rss201rev2Feed):
    pass


class AtomFeedType(MediaMixin, Atom1Feed):
    pass


def absolute(path_or_url: str) -> str:
    return settings.SITE_URL + path_or_url if path_or_url.startswith("/") else path_or_url


class ArticleFeed(Feed):
    feed_type = RssFeedType
    url_name = "site"
    language = "it"

    def get_object(self, request, *args, **kwargs):
        return None

    def title(self, obj):
        name = Publisher.load().site_name
        return f"{obj} — {name}" if obj else f"{name} — ultime notizie"

    def description(self, obj):
        return Publisher.load().tagline

    def subtitle(self, obj):
        return self.description(obj)

    def link(self, obj):
        return absolute(obj.get_absolute_url() if obj else "/")

    def feed_url(self, obj):
        args = [obj.slug] if obj else []
        return absolute(reverse(f"feeds:{self.url_name}", args=args))

    def filter_articles(self, queryset, obj):
        return queryset

    def list_tag(self, obj) -> str:
        return "feed"

    def get_feed(self, obj, request):
        token = _shown.set([])
        try:
            feed = super().get_feed(obj, request)
            tag(request, self.list_tag(obj), *model_tags("article", _shown.get()))
        finally:
            _shown.reset(token)
        return feed

    def items(self, obj):
        published = self.filter_articles(Article.objects.published().indexable(), obj)
        items = list(pages.cards(published.newest_first())[:FEED_SIZE])
        shown = _shown.get()
        if shown is not None:
            shown.extend(items)
        return items

    def item_title(self, item):
        return f"[Contenuto sponsorizzato] {item.title}" if item.is_sponsored else item.title

    def item_description(self, item):
        return item.standfirst

    def item_link(self, item):
        return absolute(item.get_absolute_url())

    def item_guid(self, item):
        return absolute(item.get_absolute_url())

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.material_update_at or item.publish_at

    def item_author_name(self, item):
        return ", ".join(author["name"] for author in item.byline) or None

    def item_categories(self, item):
        return [item.section.name]

    def item_enclosures(self, item):
        if not item.lead_image:
            return []
        # The length is unknown without touching storage; 0 is the customary "unknown".
        return [Enclosure(absolute(item.lead_image.url), "0", _image_type(item.lead_image.name))]

    def item_extra_kwargs(self, item):
        if not item.lead_image:
            return {}
        return {
            "image": {
                "url": absolute(item.lead_image.url),
                "type": _image_type(item.lead_image.name),
                "alt": item.lead_image_alt,
                "credit": item.lead_image_credit,
            }
        }


def _image_type(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "image/jpeg"


class SectionFeed(ArticleFeed):
    url_name = "section"

    def list_tag(self, obj):
        return f"section-{obj.pk}"

    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug, is_active=True)

    def description(self, obj):
        return obj.description or f"Le notizie di {obj.name}"

    def filter_articles(self, queryset, obj):
        return queryset.in_section(obj)


class TagFeed(ArticleFeed):
    url_name = "tag"

    def list_tag(self, obj):
        return f"tag-{obj.pk}"

    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def link(self, obj):
        return absolute(reverse("articles:tag", args=[obj.slug]))

    def description(self, obj):
        return f"Gli articoli su {obj.name}"

    def filter_articles(self, queryset, obj):
        return queryset.filter(tags=obj)


class AuthorFeed(ArticleFeed):
    url_name = "author"

    def list_tag(self, obj):
        return f"author-{obj.pk}"

    def get_object(self, request, slug):
        return get_object_or_404(Author, slug=slug)

    def description(self, obj):
        return f"Gli articoli di {obj.name}"

    def filter_articles(self, queryset, obj):
        return queryset.filter(article_authors__author=obj)


def atom(feed_class: type[ArticleFeed]) -> type[ArticleFeed]:
    return type(
        f"Atom{feed_class.__name__}",
        (feed_class,),
        {"feed_type": AtomFeedType, "url_name": f"{feed_class.url_name}-atom"},
    )


app_name = "feeds"

urlpatterns = [
    path("", ArticleFeed(), name="site"),
    path("atom/", atom(ArticleFeed)(), name="site-atom"),
    path("sezioni/<slug:slug>/", SectionFeed(), name="section"),
    path("atom/sezioni/<slug:slug>/", atom(SectionFeed)(), name="section-atom"),
    path("tag/<slug:slug>/", TagFeed(), name="tag"),
    path("atom/tag/<slug:slug>/", atom(TagFeed)(), name="tag-atom"),
    path("autori/<slug:slug>/", AuthorFeed(), name="author"),
    path("atom/autori/<slug:slug>/", atom(AuthorFeed)(), name="author-atom"),
]
