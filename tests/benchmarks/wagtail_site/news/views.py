from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.shortcuts import render

from news.models import PAGE_SIZE, NewsPage


def search(request):
    query = request.GET.get("q", "").strip()
    results = NewsPage.objects.live().public().search(query) if query else NewsPage.objects.none()
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "news/search.html", {"query": query, "results": page})


class LatestFeed(Feed):
    title = "Notizie"
    link = "/"
    description = "Gli ultimi articoli"

    def items(self):
        return NewsPage.objects.live().public().order_by("-date")[:20]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.standfirst

    def item_link(self, item):
        return item.url

    def item_pubdate(self, item):
        return item.date
