"""Run with ADMIN_PATH (and CSP_EXTRA_IMG_SRC) set: prints, as JSON, what the site does.

URLs are built once per process, so a custom admin path is only seen whole in a
process started with it (tests/foundation/test_security.py).
"""

import json

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client, RequestFactory, override_settings  # noqa: E402

from edgecache.middleware import page_key  # noqa: E402

STATIC = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

with override_settings(STORAGES={**settings.STORAGES, "staticfiles": STATIC}):
    client = Client()
    custom = client.get("/redazione-7f3k/login/")
    seen = {
        "custom_login": custom.status_code,
        "custom_policy": custom.get("Content-Security-Policy", ""),
        "default_login": client.get("/admin/login/").status_code,
        "robots": client.get("/robots.txt").content.decode(),
        "reader_policy": client.get("/robots.txt").get("Content-Security-Policy", ""),
        "custom_cacheable": page_key(RequestFactory().get("/redazione-7f3k/login/")) is not None,
    }
print(json.dumps(seen))  # noqa: T201
