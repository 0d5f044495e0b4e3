"""Related articles ("Potrebbero interessarti anche").

The list of each article is computed in the background and stored in
RelatedArticle rows (pins included); a page view reads it in one query.
"""

from __future__ import annotations

from articles.models import Article, RelatedArticle
from articles.querysets import published_q

DISPLAY_LIMIT = 5


def related_articles(article: Article, limit: int = DISPLAY_LIMIT) -> list[Article]:
    """The stored list for display, in one query.

    The published filter on the target is applied here, at read time, so an
    unpublished or embargoed article never shows even before the background
    refresh has removed it.
    """
    if not article.related_enabled:
        return []
    entries = (
        RelatedArticle.objects.filter(published_q(prefix="target__"), article=article)
        .select_related("target__section")
        .defer("target__body", "target__search_vector")
        .order_by("position")[:limit]
    )
    return [entry.target for entry in entries]
