"""WSGI entry point for gunicorn."""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanita33.settings")

from django.core.wsgi import get_wsgi_application

from sanita33.env import ConfigurationError

try:
    application = get_wsgi_application()
except ConfigurationError as exc:
    sys.exit(f"error: {exc}")
