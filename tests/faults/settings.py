"""Production settings for the fault tests' gunicorn, static files without a manifest.

So the tests need no collectstatic; everything else is sanita33.settings as deployed.
"""

from sanita33.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The test process creates users with the fast test hasher (tests/conftest.py).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
