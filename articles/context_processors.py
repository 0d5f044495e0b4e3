import uuid

from django.core.cache import cache
from django.utils import timezone

from articles.models import SITE_STAMP_KEY, Publisher, Section


def site(request):
    """The publisher and navigation sections (cached), and what the masthead and
    footer fragments are cached by (templates/base.html): the stamp that saving the
    publisher or a section replaces, the day (the masthead's date), and the
    navigation entry of this page, if it is one."""
    nav_sections = Section.navigation()
    current = request.path
    if current != "/" and all(current != s.get_absolute_url() for s in nav_sections):
        current = ""
    publisher = Publisher.load()
    # For the TDM reservation header (standards/middleware.py), without a query of its own.
    request.publisher = publisher
    return {
        "publisher": publisher,
        "nav_sections": nav_sections,
        "site": {
            "stamp": cache.get_or_set(SITE_STAMP_KEY, lambda: uuid.uuid4().hex, None),
            "today": timezone.localdate().isoformat(),
            "current": current,
        },
    }
