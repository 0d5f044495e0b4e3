"""Private storage for verification evidence: outside MEDIA_ROOT, never given a URL."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """Files under READERS_PRIVATE_ROOT, read back only through a staff-only view."""

    @property
    def base_location(self):
        return settings.READERS_PRIVATE_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Verification documents have no public address.")


private_storage = PrivateStorage()
