"""Visibility rules for articles: the one place that says what readers may see."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone


def published_q(now: datetime | None = None, prefix: str = "") -> Q:
    """The published rule as a Q object, usable across relations via `prefix`."""
    now = now or timezone.now()
    return Q(**{f"{prefix}status": "published", f"{prefix}publish_at__lte": now}) & (
        Q(**{f"{prefix}unpublish_at__isnull": True}) | Q(**{f"{prefix}unpublish_at__gt": now})
    )


class ArticleQuerySet(models.QuerySet):
    def published(self, now: datetime | None = None) -> ArticleQuerySet:
        """Status published, publish time reached, unpublish time not reached.

        Scheduling needs no cron job: an article scheduled for 9:00 appears in
        every listing at 9:00 because the rule compares with the current time.
        """
        return self.filter(published_q(now))

    def indexable(self) -> ArticleQuerySet:
        """Without articles de-indexed for the right to be forgotten (standards.Deindexing):
        they keep their address but leave sitemaps, feeds, search and related lists."""
        return self.filter(deindexing__isnull=True)

    def scheduled(self, now: datetime | None = None) -> ArticleQuerySet:
        return self.filter(status="published", publish_at__gt=now or timezone.now())

    def owned_by(self, user) -> ArticleQuerySet:
        """Articles the user created or signs (through their Author profile)."""
        from articles.models import ArticleAuthor

        return self.filter(
            Q(created_by=user.pk)
            | Exists(ArticleAuthor.objects.filter(article=OuterRef("pk"), author__user=user.pk))
        )

    def visible_in_admin(self, user) -> ArticleQuerySet:
        """Editors see everything; journalists their own work plus what readers see."""
        if user.has_perm("articles.edit_any_article"):
            return self
        return self.filter(Q(pk__in=self.owned_by(user).values("pk")) | Q(status="published"))

    def in_section(self, section, *, descendants: bool = True) -> ArticleQuerySet:
        if descendants:
            return self.filter(section__in=section.descendant_ids())
        return self.filter(section=section)

    def newest_first(self) -> ArticleQuerySet:
        return self.order_by("-publish_at", "-id")
