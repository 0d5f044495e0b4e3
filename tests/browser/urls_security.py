"""The browser tests' URLs plus a page that fails, to see the 500 page in Chromium."""

from django.urls import path

from tests.browser.urls import urlpatterns as browser_urlpatterns


def broken_page(request):
    raise RuntimeError("a page that fails, for the 500 page's test")


handler500 = "sanita33.outage.server_error"
urlpatterns = [path("prova-errore/", broken_page), *browser_urlpatterns]
