"""Slugs that end at a word boundary."""

from __future__ import annotations

from django.utils.text import slugify

# Long enough for any headline's meaningful words; shorter addresses read better
# in search results and links shared by readers.
ARTICLE_SLUG_LENGTH = 80


def slug_at_word(text: str, max_length: int = ARTICLE_SLUG_LENGTH) -> str:
    """slugify(text) cut at the last whole word that fits in `max_length`."""
    slug = slugify(text)
    if len(slug) <= max_length:
        return slug
    cut = slug[: max_length + 1]
    if cut[-1] != "-" and "-" in cut:
        # The character after the limit is inside a word: drop that word.
        cut = cut[: cut.rindex("-")]
    return cut[:max_length].strip("-")
