from django.urls import include, path
from news.views import LatestFeed, search
from wagtail import urls as wagtail_urls
from wagtail.contrib.sitemaps.views import sitemap

urlpatterns = [
    path("search/", search, name="search"),
    path("feed/", LatestFeed(), name="feed"),
    path("sitemap.xml", sitemap),
    path("", include(wagtail_urls)),
]
