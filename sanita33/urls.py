from allauth.mfa import urls as mfa_urls
from django.conf import settings
from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.views.static import serve

from articles.images import ckeditor_upload
from articles.views import PrivacyView
from readers.urls import staff_refused
from sanita33.health import healthz


def favicon(request):
    # Browsers ask for /favicon.ico whatever the page's <link rel="icon"> says.
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


# A database outage raised outside a view still answers 503 (sanita33/outage.py).
handler500 = "sanita33.outage.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon),
    path(settings.ADMIN_PATH, admin.site.urls),
    # Our upload view first: the same validation as every other image, generated names.
    path("ckeditor/upload/", ckeditor_upload, name="ckeditor_upload"),
    path("ckeditor/", include("ckeditor_uploader.urls")),
    path("newsletter/", include("newsletter.urls")),
    # Reader accounts: our pages first, then django-allauth's (login, sign-up, reset…).
    path("account/profilo/", include("readers.urls")),
    # Two-factor authentication (an authenticator app) is for readers only.
    path("account/2fa/", include(staff_refused(mfa_urls.urlpatterns))),
    path("account/", include("allauth.urls")),
]

if settings.EMAIL_ESP:
    # The ESP's delivery webhooks (bounces, complaints), authenticated by ANYMAIL_WEBHOOK_SECRET.
    urlpatterns += [path("anymail/", include("anymail.urls"))]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

# Reader extras with fixed paths, then the articles catch-alls (sections live at /<slug>/).
urlpatterns += [
    path("feed/", include("articles.feeds")),
    path("", include("articles.sitemaps")),
    path("privacy/", PrivacyView.as_view(), name="privacy"),
    path("", include("standards.urls")),
    path("", include("articles.urls")),
]
