"""The site's URLs as they are with EMAIL_ESP set: anymail's webhooks included."""

from django.urls import include, path

from sanita33.urls import handler500
from sanita33.urls import urlpatterns as site_urlpatterns

__all__ = ["handler500", "urlpatterns"]

urlpatterns = [path("anymail/", include("anymail.urls")), *site_urlpatterns]
