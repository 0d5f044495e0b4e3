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
        visible = Q(pk__in=self.owned_by(user).values("pk")) | Q(status="published")
        if user.has_perm("articles.signoff_medical"):
            visible |= Q(pk__in=self.for_medical_review(user).values("pk"))
        return self.filter(visible)

    def for_medical_review(self, user) -> ArticleQuerySet:
        """Unpublished health articles assigned to this reviewer, or to nobody when
        the publisher requires a review of all health content."""
        from articles.models import Publisher

        mine = Q(medical_reviewer_author__user=user.pk)
        if Publisher.load().require_medical_signoff:
            mine |= Q(medical_reviewer_author__isnull=True, medical_reviewer_person__isnull=True)
        return self.filter(mine, is_health_content=True, status__in=["draft", "review"])

    def awaiting_medical_signoff(self, user) -> ArticleQuerySet:
        """The reviewer's queue: those without a signature valid for their current text."""
        from articles.models import Signoff, text_fingerprint

        candidates = self.for_medical_review(user)
        signed = dict(
            Signoff.objects.filter(article__in=candidates.values("pk"), kind=Signoff.Kind.MEDICAL)
            .order_by("article_id", "-signed_at")
            .distinct("article_id")
            .values_list("article_id", "fingerprint")
        )
        done = [
            article.pk
            for article in candidates.filter(pk__in=signed).only("title", "standfirst", "body")
            if signed[article.pk] == text_fingerprint(article)
        ]
        return candidates.exclude(pk__in=done)

    def in_section(self, section, *, descendants: bool = True) -> ArticleQuerySet:
        if descendants:
            return self.filter(section__in=section.descendant_ids())
        return self.filter(section=section)

    def newest_first(self) -> ArticleQuerySet:
        return self.order_by("-publish_at", "-id")
