"""WSGI entry point for gunicorn."""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanita33.settings")

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from sanita33.env import ConfigurationError

try:
    application = get_wsgi_application()
except ConfigurationError as exc:
    sys.exit(f"error: {exc}")

if settings.PAGE_CACHE:
    # Page-cache hits are answered here, before any of Django runs (sanita33/pagecache.py).
    from sanita33.pagecache import PageCacheApplication

    application = PageCacheApplication(application)
