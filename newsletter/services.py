"""Every write of the newsletter: views, admin, commands and tasks call these."""

from __future__ import annotations

import ipaddress
import logging
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg import sql

from articles.models import Article, Section
from articles.querysets import published_q
from articles.templatetags.articles import data_it
from newsletter.models import (
    ConsentRecord,
    Delivery,
    Edition,
    EditionArticle,
    Newsletter,
    Subscriber,
    Unsubscription,
    email_digest,
)

logger = logging.getLogger(__name__)

CONFIRMATION_INTERVAL = timedelta(hours=1)


def truncate_ip(ip: str | None) -> str:
    """Minimised IP for the consent record: IPv4 /24, IPv6 /48."""
    try:
        address = ipaddress.ip_address((ip or "").strip())
    except ValueError:
        return ""
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False).network_address)


def signup_allowed(*, ip: str) -> bool:
    """Per-IP signup budget per hour, counted in the shared cache."""
    key = f"newsletter:signup-ip:{ip}"
    cache.add(key, 0, 3600)
    try:
        count = cache.incr(key)
    except ValueError:  # Expired between add and incr.
        cache.set(key, 1, 3600)
        count = 1
    return count <= settings.NEWSLETTER_SIGNUPS_PER_IP_PER_HOUR


def normalise_email(email: str) -> str:
    return email.strip().lower()


def default_newsletters() -> list[Newsletter]:
    return list(Newsletter.objects.filter(is_active=True, is_default=True))


def subscriber_signup(
    *,
    email: str,
    topics: Iterable[Section] = (),
    newsletters: Iterable[Newsletter] = (),
    page: str = "",
    ip: str | None = None,
) -> Subscriber:
    """Register a signup and send a confirmation (at most one per address per hour).

    Callers answer the same way whatever the address's state, so nobody can
    learn who is subscribed. No newsletter chosen (the inline form offers no
    choice) means the default ones.
    """
    email = normalise_email(email)
    topics = list(topics)
    newsletters = list(newsletters) or default_newsletters()
    now = timezone.now()
    with transaction.atomic():
        subscriber, created = Subscriber.objects.get_or_create(email=email)
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.status == Subscriber.Status.CONFIRMED:
            # Lists change in the preferences, behind the owner's link.
            return subscriber
        if subscriber.status != Subscriber.Status.PENDING:
            # Came back after leaving or bouncing: a fresh opt-in, fresh proof.
            subscriber.status = Subscriber.Status.PENDING
            subscriber.paused = False
            subscriber.hard_bounces = 0
            subscriber.created_at = now
            subscriber.save(update_fields=["status", "paused", "hard_bounces", "created_at"])
        subscriber.all_topics = not topics
        subscriber.save(update_fields=["all_topics"])
        subscriber.topics.set(topics)
        subscriber.newsletters.set(newsletters)
        consent = subscriber.consents.filter(confirmed_at__isnull=True).first()
        if consent is None:
            consent = ConsentRecord(
                subscriber=subscriber, email=email, email_sha256=email_digest(email)
            )
        consent.signed_up_at = now
        consent.page = page[:500]
        consent.notice_version = settings.NEWSLETTER_NOTICE_VERSION
        consent.signup_ip = truncate_ip(ip)
        consent.save()
        _send_confirmation_if_due(subscriber.pk, now=now)
    return subscriber


def _send_confirmation_if_due(pk: int, *, now, **conditions) -> bool:
    """Queue a confirmation mail unless one went out within CONFIRMATION_INTERVAL.

    A conditional UPDATE, so concurrent signups for one address send one mail.
    """
    due = (
        Subscriber.objects.filter(pk=pk, **conditions)
        .filter(
            Q(confirmation_sent_at__isnull=True)
            | Q(confirmation_sent_at__lte=now - CONFIRMATION_INTERVAL)
        )
        .update(confirmation_sent_at=now)
    )
    if due:
        from newsletter.tasks import send_confirmation

        transaction.on_commit(lambda: send_confirmation.enqueue(pk))
    return bool(due)


def subscriber_resend_confirmation(*, subscriber: Subscriber) -> bool:
    """A new confirm link for a pending subscriber, within the hourly limit."""
    if subscriber.status != Subscriber.Status.PENDING:
        return False
    now = timezone.now()
    with transaction.atomic():
        return _send_confirmation_if_due(subscriber.pk, now=now, status=Subscriber.Status.PENDING)


def subscriber_confirm(*, key: uuid.UUID, ip: str | None = None) -> Subscriber | None:
    """Confirm a pending signup; None if there is nothing to confirm any more."""
    now = timezone.now()
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(key=key).first()
        if subscriber is None:
            return None
        if subscriber.status == Subscriber.Status.CONFIRMED:
            # Lists change in the preferences, behind the owner's link.
            return subscriber
        if subscriber.status != Subscriber.Status.PENDING:
            return None
        subscriber.status = Subscriber.Status.CONFIRMED
        subscriber.confirmed_at = now
        subscriber.unsubscribed_at = None
        subscriber.save(update_fields=["status", "confirmed_at", "unsubscribed_at"])
        subscriber.consents.filter(confirmed_at__isnull=True).update(
            confirmed_at=now, confirm_ip=truncate_ip(ip)
        )
    return subscriber


def subscriber_unsubscribe(
    *, subscriber: Subscriber, reason: str = "", one_click: bool = False
) -> Subscriber:
    """Leave at once: nothing more is sent, not even the rest of an edition under way.

    The departure is counted against the last edition the person received,
    with the reason they may give, in a row that does not point to them.
    """
    now = timezone.now()
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.status == Subscriber.Status.UNSUBSCRIBED:
            return subscriber
        if subscriber.status == Subscriber.Status.CONFIRMED:
            last = (
                subscriber.deliveries.filter(status=Delivery.Status.SENT)
                .order_by("-sent_at", "-id")
                .values_list("edition_id", flat=True)
                .first()
            )
            Unsubscription.objects.create(
                edition_id=last,
                reason=reason if reason in Unsubscription.Reason.values else "",
                one_click=one_click,
                created_at=now,
            )
        subscriber.status = Subscriber.Status.UNSUBSCRIBED
        subscriber.unsubscribed_at = now
        subscriber.save(update_fields=["status", "unsubscribed_at"])
        subscriber.consents.filter(withdrawn_at__isnull=True).update(withdrawn_at=now)
        subscriber.deliveries.filter(status=Delivery.Status.PENDING).update(
            status=Delivery.Status.SKIPPED, last_error="cancellato"
        )
    return subscriber


def subscriber_update_preferences(
    *,
    subscriber: Subscriber,
    topics: Iterable[Section],
    paused: bool,
    newsletters: Iterable[Newsletter] | None = None,
) -> Subscriber:
    topics = list(topics)
    with transaction.atomic():
        subscriber.all_topics = not topics
        subscriber.paused = paused
        subscriber.save(update_fields=["all_topics", "paused"])
        subscriber.topics.set(topics)
        if newsletters is not None:
            subscriber.newsletters.set(list(newsletters))
    return subscriber


def subscriber_export(*, subscriber: Subscriber) -> dict:
    """Everything stored about one person (GDPR art. 15 and 20)."""
    return {
        "email": subscriber.email,
        "status": subscriber.status,
        "paused": subscriber.paused,
        "all_topics": subscriber.all_topics,
        "topics": [section.name for section in subscriber.topics.all()],
        "newsletters": [newsletter.name for newsletter in subscriber.newsletters.all()],
        "created_at": _iso(subscriber.created_at),
        "confirmed_at": _iso(subscriber.confirmed_at),
        "unsubscribed_at": _iso(subscriber.unsubscribed_at),
        "consents": [
            {
                "signed_up_at": _iso(consent.signed_up_at),
                "page": consent.page,
                "notice_version": consent.notice_version,
                "signup_ip": consent.signup_ip,
                "confirmed_at": _iso(consent.confirmed_at),
                "confirm_ip": consent.confirm_ip,
                "withdrawn_at": _iso(consent.withdrawn_at),
            }
            for consent in subscriber.consents.order_by("signed_up_at")
        ],
        "deliveries": [
            {
                "edition": delivery.edition.subject,
                "status": delivery.status,
                "sent_at": _iso(delivery.sent_at),
            }
            for delivery in subscriber.deliveries.select_related("edition").order_by("id")
        ],
    }


def subscriber_erase(*, subscriber: Subscriber) -> None:
    """Erase a person (GDPR art. 17), keeping only the proof of consent.

    The proof is the consent records without the address: its SHA-256
    digest, the times, the notice version and the truncated IPs.
    """
    now = timezone.now()
    with transaction.atomic():
        subscriber.consents.update(
            email="", erased_at=now, withdrawn_at=Coalesce(F("withdrawn_at"), Value(now))
        )
        subscriber.bounces.update(email="")
        subscriber.delete()


def purge_unconfirmed(*, days: int | None = None, dry_run: bool = False) -> int:
    """Delete signups never confirmed after `days` (default 30) with their records."""
    days = settings.NEWSLETTER_PURGE_UNCONFIRMED_DAYS if days is None else days
    stale = Subscriber.objects.stale_unconfirmed(days)
    with transaction.atomic():
        count = stale.count()
        if not dry_run:
            ConsentRecord.objects.filter(subscriber__in=stale, confirmed_at__isnull=True).delete()
            # Proof of an earlier, withdrawn consent stays, without the address.
            ConsentRecord.objects.filter(subscriber__in=stale).update(
                email="", erased_at=timezone.now()
            )
            stale.delete()
    return count


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


# Editions ------------------------------------------------------------------


def edition_candidates(*, edition: Edition, limit: int = 10) -> list[Article]:
    """The most important articles published since the previous edition went out."""
    previous = (
        Edition.objects.exclude(pk=edition.pk)
        .filter(started_at__isnull=False)
        .order_by("-started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    since = previous or timezone.now() - timedelta(days=7)
    return list(
        Article.objects.published()
        .filter(publish_at__gt=since)
        .order_by("-is_featured", "-priority", "-publish_at", "-id")[:limit]
    )


def edition_prefill(*, edition: Edition, limit: int = 10) -> int:
    """Fill an edition with no articles yet; editors then reorder or remove."""
    with transaction.atomic():
        if edition.items.exists():
            return 0
        EditionArticle.objects.bulk_create(
            EditionArticle(edition=edition, article=article, position=position)
            for position, article in enumerate(edition_candidates(edition=edition, limit=limit))
        )
    return edition.items.count()


class EditionStateError(Exception):
    pass


class EditionArticlesError(EditionStateError):
    """Some articles of the edition would not be public when it goes out."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(
            _("L'edizione non parte: %(list)s Toglili o cambia l'orario dell'invio.")
            % {"list": " ".join(problems)}
        )


def when_text(moment: datetime) -> str:
    """'3 dicembre 2026 alle 10:00'."""
    return f"{data_it(moment)} alle {timezone.localtime(moment):%H:%M}"


def article_send_problem(article: Article, *, at: datetime | None) -> str | None:
    """Why readers could not open this article at `at` (None: they could).

    With `at` None the send time is not known yet, so a scheduled article
    is accepted; the send itself checks again at its real time.
    """
    now = timezone.now()
    title = article.title
    if article.status == Article.Status.DRAFT:
        return _("«%(title)s» è una bozza: non è pubblicato.") % {"title": title}
    if article.status == Article.Status.REVIEW:
        return _("«%(title)s» è in revisione: non è ancora pubblicato.") % {"title": title}
    if article.status == Article.Status.UNPUBLISHED:
        return _("«%(title)s» è stato ritirato.") % {"title": title}
    if article.unpublish_at is not None and article.unpublish_at <= (at or now):
        if article.unpublish_at <= now:
            return _("«%(title)s» è stato ritirato il %(date)s.") % {
                "title": title,
                "date": when_text(article.unpublish_at),
            }
        return _("«%(title)s» viene ritirato il %(date)s, prima dell'invio.") % {
            "title": title,
            "date": when_text(article.unpublish_at),
        }
    if at is not None and article.publish_at is not None and article.publish_at > at:
        return _(
            "«%(title)s» sarà pubblicato il %(date)s, dopo l'invio dell'edizione (%(send)s)."
        ) % {"title": title, "date": when_text(article.publish_at), "send": when_text(at)}
    return None


def edition_article_problems(*, edition: Edition, at: datetime | None) -> list[str]:
    """One sentence per article of the edition that readers could not open at `at`."""
    articles = Article.objects.filter(pk__in=edition.items.values("article_id")).order_by("title")
    return [
        problem
        for problem in (article_send_problem(article, at=at) for article in articles)
        if problem
    ]


def edition_article_choices(*, at: datetime | None = None):
    """Articles an editor may put in an edition that goes out at `at` (None: not set).

    Published and still public then; with no send time yet, also the ones
    scheduled to come out later (the send checks them against its real time).
    """
    if at is not None:
        return Article.objects.filter(published_q(at))
    now = timezone.now()
    return Article.objects.filter(
        published_q(now) | Q(status=Article.Status.PUBLISHED, publish_at__gt=now)
    ).filter(Q(unpublish_at__isnull=True) | Q(unpublish_at__gt=now))


def edition_schedule(*, edition: Edition, when: datetime) -> Edition:
    """Queue the edition for `when`; refused, with the list, if an article would not be public."""
    from newsletter.tasks import start_edition

    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        if not edition.is_editable():
            raise EditionStateError(_("L'edizione è già in invio o inviata."))
        problems = edition_article_problems(edition=edition, at=max(when, timezone.now()))
        if problems:
            raise EditionArticlesError(problems)
        edition.status = Edition.Status.SCHEDULED
        edition.scheduled_at = when
        edition.save(update_fields=["status", "scheduled_at"])
        task = start_edition
        if task.get_backend().supports_defer and when > timezone.now():
            task = task.using(run_after=when)
        transaction.on_commit(lambda: task.enqueue(edition.pk))
    return edition


def edition_send_now(*, edition: Edition) -> Edition:
    """Start at once, in a task: creating 100,000 deliveries takes seconds."""
    return edition_schedule(edition=edition, when=timezone.now())


def edition_approve(*, edition: Edition) -> Edition:
    """An editor approves an automatic digest: it goes out now."""
    if edition.status != Edition.Status.AWAITING_APPROVAL:
        raise EditionStateError("Questa edizione non aspetta un'approvazione.")
    return edition_send_now(edition=edition)


def edition_start(*, edition: Edition, force: bool = False) -> Edition:
    """Create one delivery per active subscriber and fan the work out to workers.

    Idempotent: deliveries are inserted with ON CONFLICT DO NOTHING, and only a
    draft or a due scheduled edition starts.
    """
    from newsletter.tasks import deliver_edition

    now = timezone.now()
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        if edition.status in (Edition.Status.DRAFT, Edition.Status.AWAITING_APPROVAL) and not force:
            return edition
        if edition.status == Edition.Status.SCHEDULED and not force:
            if edition.scheduled_at and edition.scheduled_at > now:
                return edition
        if edition.status in (Edition.Status.SENDING, Edition.Status.SENT):
            return edition
        edition.status = Edition.Status.SENDING
        edition.started_at = now
        edition.save(update_fields=["status", "started_at"])
        # The queryset's own SQL, so who receives an edition is spelled once.
        recipients = Subscriber.objects.receiving(edition)
        select_sql, select_params = recipients.order_by().values("id").query.sql_with_params()
        with connection.cursor() as cursor:
            query = sql.SQL("""
                INSERT INTO {deliveries}
                    (edition_id, subscriber_id, status, attempts, next_attempt_at,
                     claimed_by, message_id, last_error)
                SELECT %s, r.id, 'pending', 0, %s, '', '', ''
                FROM ({recipients}) AS r
                ON CONFLICT (edition_id, subscriber_id) DO NOTHING
                """).format(
                deliveries=sql.Identifier(Delivery._meta.db_table),
                # The ORM's own SQL for the recipients queryset, its values passed apart.
                recipients=sql.SQL(select_sql),
            )
            cursor.execute(
                query.as_string(cursor.connection),
                [edition.pk, now, *select_params],
            )
            total = cursor.rowcount
        fan_out = max(
            1, min(settings.NEWSLETTER_FAN_OUT, -(-total // settings.NEWSLETTER_BATCH_SIZE))
        )
        for _ in range(fan_out):
            transaction.on_commit(lambda: deliver_edition.enqueue(edition.pk))
    logger.info("edition %s started: %s deliveries, %s tasks", edition.pk, total, fan_out)
    return edition


def edition_finish_if_done(*, edition_id: int) -> bool:
    """Mark an edition sent once no delivery is pending or in flight."""
    with transaction.atomic():
        if Delivery.objects.filter(edition_id=edition_id).unfinished().exists():
            return False
        return bool(
            Edition.objects.filter(pk=edition_id, status=Edition.Status.SENDING).update(
                status=Edition.Status.SENT, finished_at=timezone.now()
            )
        )
