"""What readers see changed: the one door from a write to every cache.

Whoever changes what readers see (the services, the tasks, the related-list
writer, the importers, the admin of sections, authors and people) calls
`content_changed(*tags)` with the cache tags of what changed. Pages carry the
tags of what they show (views call `edgecache.tags.tag`); a purge of a tag
drops exactly the pages carrying it, in the origin page cache and at the edge
(edgecache.purge). Tags named inside a transaction are collected and purged
once, after it commits; a rolled-back write purges nothing.

The tags:
- `article-<id>`: every page showing that article: its page, and each list
  and feed with its card;
- `related-<id>`: the related block of article <id>'s page, purged when the
  related-list writer changes it or an article it names changes;
- `home`, `feed`, `sitemap`, `section-<id>`, `author-<id>`, `person-<id>`,
  `tag-<id>`, `archive-<yyyy>-<mm>`: the lists, whose membership or order
  changes when an article is published, withdrawn or moved;
- `site`: every page (the masthead and navigation).

An article edit goes through `article_changing(article)`, called before the
write: it notes what the article looked like and, at commit, compares it with
what it looks like now. A typo fix purges `article-<id>` (and the sitemap's
lastmod); a publish, a withdrawal or a move also purges the lists it joins or
leaves. A scheduled publish or withdrawal changes what readers see with no
write at all, so a deferred task purges the article's tags at that moment.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from edgecache.purge import purge_tags
from edgecache.tags import SITE

logger = logging.getLogger(__name__)

_local = threading.local()


@dataclass(eq=False)
class _Pending:
    """What one transaction changed; sent once, by the first of its on_commit callbacks."""

    tags: set[str] = field(default_factory=set)
    # Article id → how it looked before the transaction changed it.
    before: dict[int, _Look | None] = field(default_factory=dict)
    sent: bool = False

    def flush(self) -> None:
        if _local.__dict__.get("pending") is not None and _local.pending() is self:
            _local.pending = None
        if self.sent:
            return
        self.sent = True
        _send(self)


@dataclass(frozen=True)
class _Look:
    visible: bool
    lists: frozenset[str]
    order: tuple
    upcoming: datetime | None  # the next scheduled publish or withdrawal


def content_changed(*tags: str) -> None:
    """Purge the pages carrying any of `tags` once the current transaction commits."""
    if tags:
        pending = _pending()
        pending.tags.update(tags)
        _flush_on_commit(pending)


def article_changing(article) -> None:
    """Call inside the transaction, before changing a saved article: at commit,
    purges what the change made stale."""
    articles_changing([article.pk])


def articles_changing(ids: Iterable[int]) -> None:
    pending = _pending()
    ids = [pk for pk in ids if pk is not None and pk not in pending.before]
    pending.before.update(dict.fromkeys(ids))  # unknown ids: not yet written
    pending.before.update(_looks(ids))
    _flush_on_commit(pending)


def article_tags(ids: Iterable[int]) -> set[str]:
    """Every tag an article's publication or withdrawal makes stale (bulk writes)."""
    tags = set()
    looks = _looks(list(ids))
    for pk, look in looks.items():
        tags.update(look.lists)
        tags.add(f"article-{pk}")
    return tags | _related_blocks_showing(list(looks))


def _pending() -> _Pending:
    # A weak reference: only the transaction's on_commit callbacks keep it
    # alive, so when a rollback drops them, what it named is forgotten too.
    found = _local.__dict__.get("pending")
    pending = found() if found is not None else None
    if pending is None:
        pending = _Pending()
        _local.pending = weakref.ref(pending)
    return pending


def _flush_on_commit(pending: _Pending) -> None:
    # Registered on every call: a callback added inside a savepoint that rolls
    # back is dropped, and the first callback that runs sends everything.
    transaction.on_commit(pending.flush, robust=True)


def _send(pending: _Pending) -> None:
    if not (pending.tags or pending.before):
        return
    tags = set(pending.tags)
    after = _looks(list(pending.before))
    shown = []
    for pk, before in pending.before.items():
        stale = _stale(pk, before, after.get(pk))
        if stale:
            tags.update(stale)
            shown.append(pk)
        look = after.get(pk)
        if look is not None and look.upcoming is not None:
            _purge_later(pk, look.upcoming)
    tags.update(_related_blocks_showing(shown))
    purge_tags(sorted(tags))


def _related_blocks_showing(ids: list[int]) -> set[str]:
    """`related-<id>` of the articles whose stored related list names one of `ids`."""
    from articles.models import RelatedArticle

    if not ids:
        return set()
    sources = RelatedArticle.objects.filter(target_id__in=ids).values_list("article_id", flat=True)
    return {f"related-{pk}" for pk in sources.distinct()}


def _stale(pk: int, before: _Look | None, after: _Look | None) -> set[str]:
    was = before is not None and before.visible
    now = after is not None and after.visible
    if not was and not now:
        return set()
    lists_before = before.lists if was else frozenset()
    lists_after = after.lists if now else frozenset()
    if was != now or before.order != after.order:
        stale = lists_before | lists_after
    else:
        # Same place in the same lists: the pages showing it carry `article-<id>`.
        stale = (lists_before ^ lists_after) | {"sitemap"}
    return {f"article-{pk}", *stale}


def _looks(ids: list[int]) -> dict[int, _Look]:
    from articles.models import Article, ArticleAuthor, ArticlePerson

    if not ids:
        return {}
    rows = Article.objects.filter(pk__in=ids).values(
        "pk",
        "status",
        "publish_at",
        "unpublish_at",
        "is_featured",
        "priority",
        "section_id",
        "section__parent_id",
        "section__parent__parent_id",
    )
    lists: dict[int, set[str]] = {pk: set() for pk in ids}
    for article_id, author_id in ArticleAuthor.objects.filter(article_id__in=ids).values_list(
        "article_id", "author_id"
    ):
        lists[article_id].add(f"author-{author_id}")
    for article_id, person_id in ArticlePerson.objects.filter(article_id__in=ids).values_list(
        "article_id", "person_id"
    ):
        lists[article_id].add(f"person-{person_id}")
    tagged = Article.tags.through.objects.filter(
        content_type=ContentType.objects.get_for_model(Article), object_id__in=ids
    )
    for article_id, tag_id in tagged.values_list("object_id", "tag_id"):
        lists[article_id].add(f"tag-{tag_id}")
    now = timezone.now()
    looks = {}
    for row in rows:
        pk = row["pk"]
        article = Article(
            status=row["status"], publish_at=row["publish_at"], unpublish_at=row["unpublish_at"]
        )
        sections = (row["section_id"], row["section__parent_id"], row["section__parent__parent_id"])
        lists[pk].update(f"section-{s}" for s in sections if s is not None)
        lists[pk].update(("home", "feed", "sitemap"))
        if row["publish_at"] is not None:
            month = timezone.localtime(row["publish_at"])
            lists[pk].add(f"archive-{month:%Y-%m}")
        upcoming = [
            moment
            for moment in (row["publish_at"], row["unpublish_at"])
            if moment is not None and moment > now and row["status"] == Article.Status.PUBLISHED
        ]
        looks[pk] = _Look(
            visible=article.is_published(now),
            lists=frozenset(lists[pk]),
            # To the second: the admin's date and time fields drop microseconds.
            order=(
                row["is_featured"],
                row["priority"],
                row["publish_at"] and row["publish_at"].replace(microsecond=0),
            ),
            upcoming=min(upcoming) if upcoming else None,
        )
    return looks


@task()
def article_transition_due(article_id: int) -> None:
    """A scheduled publish or withdrawal is due: the article's lists change now."""
    tags = article_tags([article_id])
    if tags:
        content_changed(*tags)


def _purge_later(article_id: int, when: datetime) -> None:
    backend = article_transition_due.get_backend()
    if not backend.supports_defer:
        return  # pages expire with s-maxage instead
    try:
        article_transition_due.using(run_after=when).enqueue(article_id)
    except Exception:
        logger.exception("scheduled purge of article %s not queued", article_id)


def site_changed() -> None:
    """The masthead or navigation changed: every page."""
    content_changed(SITE)


def paths_for_tags(tags: Iterable[str]) -> list[str]:
    """The first page of each list or page the tags name, for caches that purge by
    address: an `article-<id>` names its page and the lists showing its card
    (a tag-based cache finds those by the tag; here they are looked up)."""
    from django.urls import reverse
    from taggit.models import Tag

    from articles.models import Article, Author, Person, Section

    tags = set(tags)
    named = [name.partition("-") for name in tags]
    shown = [int(number) for kind, _, number in named if kind == "article" and number.isdigit()]
    for look in _looks(shown).values():
        tags.update(look.lists)
    by_kind: dict[str, list[int]] = {}
    paths = set()
    for name in tags:
        kind, _, number = name.partition("-")
        if name in ("home", SITE):
            paths.add(reverse("articles:home"))
        elif name == "feed":
            paths.update((reverse("feeds:site"), reverse("feeds:site-atom")))
        elif name == "sitemap":
            paths.update((reverse("sitemaps:index"), reverse("sitemaps:news")))
        elif kind == "archive" and number.replace("-", "").isdigit():
            year, _, month = number.partition("-")
            paths.add(reverse("articles:archive-month", args=[int(year), int(month)]))
        elif number.isdigit():
            by_kind.setdefault(kind, []).append(int(number))
    article_ids = by_kind.get("article", []) + by_kind.get("related", [])
    for article in Article.objects.filter(pk__in=article_ids).select_related("section"):
        paths.add(article.get_absolute_url())
    models = {"section": Section, "author": Author, "person": Person}
    for kind, model in models.items():
        for obj in model.objects.filter(pk__in=by_kind.get(kind, [])):
            paths.add(obj.get_absolute_url())
    for tag in Tag.objects.filter(pk__in=by_kind.get("tag", [])):
        paths.add(reverse("articles:tag", kwargs={"slug": tag.slug}))
    return sorted(paths)
