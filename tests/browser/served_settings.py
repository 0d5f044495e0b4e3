"""Production settings for a gunicorn the browser tests start, static files from the apps.

Everything is sanita33.settings as deployed (DEBUG off, whitenoise, the page
cache, the security headers) except that whitenoise reads static files from
the apps' folders, so the test needs no collectstatic (10 s and 34 MB).
"""

from sanita33.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
