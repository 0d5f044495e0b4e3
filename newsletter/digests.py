"""Automatic editions: a daily or weekly digest of what each newsletter published.

`compose_due_digests()` runs from cron (`manage.py compose_digests`) or a
task, as often as you like: each newsletter's slot (e.g. every day at 7:00)
is claimed with a conditional UPDATE of `last_digest_slot`, so two runs at
the same moment compose one digest, and a slot missed while nothing ran is
composed once, late. The digest covers what was published between the
previous slot and this one; it is personalised, so each subscriber gets the
articles of the topics they follow. Then it waits for an editor's approval
or is scheduled at once, as the newsletter says.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from articles.models import Article, Section
from newsletter.models import Edition, EditionArticle, Newsletter

logger = logging.getLogger(__name__)

INTERVALS = {
    Newsletter.Cadence.DAILY: timedelta(days=1),
    Newsletter.Cadence.WEEKLY: timedelta(days=7),
}


def latest_slot(newsletter: Newsletter, now: datetime) -> datetime | None:
    """The most recent moment at or before `now` when a digest was due (local time)."""
    if newsletter.cadence not in INTERVALS:
        return None
    local = timezone.localtime(now)
    slot = local.replace(
        hour=newsletter.send_time.hour,
        minute=newsletter.send_time.minute,
        second=0,
        microsecond=0,
    )
    if newsletter.cadence == Newsletter.Cadence.WEEKLY:
        slot -= timedelta(days=(slot.weekday() - newsletter.weekday) % 7)
    if slot > local:
        slot -= INTERVALS[newsletter.cadence]
    # Re-localise: a slot across a DST change keeps its wall-clock time.
    naive = slot.replace(tzinfo=None)
    return timezone.make_aware(naive)


def digest_articles(*, newsletter: Newsletter, since: datetime, until: datetime) -> list[Article]:
    articles = Article.objects.published(now=until).filter(
        publish_at__gt=since, publish_at__lte=until
    )
    section_ids = list(newsletter.sections.values_list("pk", flat=True))
    if section_ids:
        children = Section.objects.filter(parent_id__in=section_ids).values_list("pk", flat=True)
        articles = articles.filter(Q(section_id__in=section_ids) | Q(section_id__in=children))
    return list(
        articles.order_by("-is_featured", "-priority", "-publish_at", "-id")[
            : newsletter.max_articles
        ]
    )


def digest_subject(newsletter: Newsletter, slot: datetime) -> str:
    day = date_format(timezone.localtime(slot), "j F Y").lower()
    prefix = newsletter.subject_prefix or newsletter.name
    if newsletter.cadence == Newsletter.Cadence.WEEKLY:
        return f"{prefix} — la settimana fino al {day}"
    return f"{prefix} — {day}"


@dataclass
class DigestResult:
    newsletter: Newsletter
    slot: datetime
    edition: Edition | None
    articles: int = 0


def digest_compose(*, newsletter: Newsletter, now: datetime | None = None) -> DigestResult | None:
    """Compose this newsletter's due digest, once; None when no slot is due."""
    from newsletter import services

    now = now or timezone.now()
    slot = latest_slot(newsletter, now)
    if slot is None:
        return None
    with transaction.atomic():
        previous = (
            Newsletter.objects.select_for_update()
            .filter(pk=newsletter.pk)
            .values_list("last_digest_slot", flat=True)
            .first()
        )
        if previous is not None and previous >= slot:
            return None
        Newsletter.objects.filter(pk=newsletter.pk).update(last_digest_slot=slot)
        since = previous or slot - INTERVALS[newsletter.cadence]
        articles = digest_articles(newsletter=newsletter, since=since, until=slot)
        if not articles:
            logger.info("digest of %s for %s: nothing published", newsletter.slug, slot)
            return DigestResult(newsletter, slot, None)
        edition = Edition.objects.create(
            newsletter=newsletter,
            subject=digest_subject(newsletter, slot),
            # Not an article's title: a personalised digest may leave that article out.
            preheader=newsletter.description[:200],
            personalised=True,
            covers_from=since,
            covers_until=slot,
            status=(
                Edition.Status.AWAITING_APPROVAL
                if newsletter.requires_approval
                else Edition.Status.DRAFT
            ),
        )
        EditionArticle.objects.bulk_create(
            EditionArticle(edition=edition, article=article, position=position)
            for position, article in enumerate(articles)
        )
    if not newsletter.requires_approval:
        edition = services.edition_schedule(edition=edition, when=max(slot, now))
    logger.info(
        "digest of %s for %s: edition %s with %s articles",
        newsletter.slug,
        slot,
        edition.pk,
        len(articles),
    )
    return DigestResult(newsletter, slot, edition, len(articles))


def compose_due_digests(*, now: datetime | None = None) -> list[DigestResult]:
    results = []
    for newsletter in Newsletter.objects.filter(is_active=True).exclude(
        cadence=Newsletter.Cadence.MANUAL
    ):
        result = digest_compose(newsletter=newsletter, now=now)
        if result is not None:
            results.append(result)
    return results
