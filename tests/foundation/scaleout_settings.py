"""Production settings plus the scale-out check's endpoints (tests/foundation/scaleout_app.py).

Static files without a manifest, so the check needs no collectstatic.
"""

from sanita33.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ROOT_URLCONF = "tests.foundation.scaleout_app"
# The test process creates users with the fast test hasher (tests/conftest.py).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
