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
def _reverse(urlconf, prefix, viewname, args, kwargs, current_app) -> str:
    return reverse(
        viewname, urlconf=urlconf, args=args, kwargs=dict(kwargs), current_app=current_app
    )


def cached_reverse(viewname: str, *, args: tuple = (), current_app=None, **kwargs) -> str:
    """reverse(viewname, args=args, kwargs=kwargs, current_app=current_app), remembered.

    Arguments must be hashable (strings and numbers are what URLs take).
    """
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    kwargs_key = tuple(sorted(kwargs.items()))
    return _reverse(urlconf, get_script_prefix(), viewname, args, kwargs_key, current_app)
