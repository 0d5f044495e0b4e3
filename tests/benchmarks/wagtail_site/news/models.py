"""Home, sections and articles as Wagtail pages, the way Wagtail's news template models them."""

from django.core.paginator import Paginator
from django.db import models
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

PAGE_SIZE = 20
RELATED_LIMIT = 4


class Author(models.Model):
    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=150, unique=True)
    role = models.CharField(max_length=100, blank=True)

    def __str__(self):
        return self.name


class HomePage(Page):
    max_count = 1
    subpage_types = ["news.SectionPage"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["latest"] = (
            NewsPage.objects.live().public().prefetch_related("authors").order_by("-date")[:20]
        )
        return context


class SectionPage(Page):
    intro = models.TextField(blank=True)
    subpage_types = ["news.SectionPage", "news.NewsPage"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = (
            NewsPage.objects.live()
            .public()
            .descendant_of(self)
            .prefetch_related("authors")
            .order_by("-date")
        )
        context["articles"] = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
        return context


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "news.NewsPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class NewsPage(Page):
    date = models.DateTimeField(db_index=True)
    standfirst = models.TextField(blank=True)
    body = RichTextField(blank=True)
    kind = models.CharField(max_length=20, default="news")
    authors = ParentalManyToManyField(Author, blank=True, related_name="articles")
    tags = ClusterTaggableManager(through=NewsPageTag, blank=True)

    search_fields = [
        *Page.search_fields,
        index.SearchField("standfirst"),
        index.SearchField("body"),
    ]
    parent_page_types = ["news.SectionPage"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # The related-articles block: newest live pages sharing a tag.
        context["related"] = (
            NewsPage.objects.live()
            .public()
            .filter(tags__in=self.tags.all())
            .exclude(pk=self.pk)
            .prefetch_related("authors")
            .distinct()
            .order_by("-date")[:RELATED_LIMIT]
        )
        return context
