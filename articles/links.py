"""`reverse()` with memory: reader pages ask for the same few hundred URLs all day.

A page renders 50-120 links (navigation twice, cards, bylines, tags), and each
`reverse()` walks the URL resolver again (about 25 µs). URL patterns do not change
while a process runs, so a result is kept, keyed by everything `reverse()` reads
besides its arguments: the active URLconf and the script prefix.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


@functools.lru_cache(maxsize=8192)
def _reverse(urlconf: str, prefix: str, viewname: str, kwargs: tuple) -> str:
    return reverse(viewname, urlconf=urlconf, kwargs=dict(kwargs))


def cached_reverse(viewname: str, **kwargs) -> str:
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _reverse(urlconf, get_script_prefix(), viewname, tuple(sorted(kwargs.items())))
