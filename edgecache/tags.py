"""Cache tags: which pages show what.

A view names what its page shows with `tag(request, "article-7", "section-3")`;
the middleware sends the tags in the `Surrogate-Key` and `Cache-Tag` headers and
stores the page in the origin cache under them, and a purge of a tag drops every
page that carries it, at the edge and here.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest

# Every cacheable page carries it: purging it drops the whole site (the masthead
# and navigation changed, or a deploy changed the templates).
SITE = "site"


def tag(request: HttpRequest, *tags: str) -> None:
    """Record that the page answering `request` shows what `tags` name."""
    request.cache_tags = {*tags_of(request), *tags}


def tags_of(request: HttpRequest) -> set[str]:
    return getattr(request, "cache_tags", set())


def model_tags(prefix: str, objects: Iterable) -> list[str]:
    """`article-1 article-2 …` for model instances or primary keys."""
    return [f"{prefix}-{getattr(obj, 'pk', obj)}" for obj in objects]
