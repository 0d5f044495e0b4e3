"""Delivering an edition: claim, hand to SMTP, record, at most once per recipient.

State machine of a Delivery: pending → claimed (lease) → sent | failed | skipped,
and claimed → pending on a temporary SMTP error (with backoff). A claim is an
UPDATE over rows picked with FOR UPDATE SKIP LOCKED, committed before any mail
leaves, so two workers never hold the same row. Each message is marked sent
in its own commit right after the SMTP server accepts it.

The only window for a second copy: the worker dies, or loses the database,
after the SMTP server has answered 250 to the message and before the
"sent" UPDATE commits (about a millisecond), or the connection drops after
the server accepted the data but before its reply was read. Then the lease
expires and another worker sends that one message again. A message is only
handed over while the worker's lease has at least the SMTP timeout plus a
second left, so a slow but live worker is never overtaken.
"""

from __future__ import annotations

import logging
import os
import smtplib
import socket
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address
from django.db import connection, transaction
from django.db.models import F, Min
from django.utils import timezone
from psycopg import sql

from newsletter import bounces, tokens
from newsletter.emails import EditionRenderer, site_domain
from newsletter.models import Bounce, Delivery, Edition, Subscriber
from sanita33.mail import dkim_sign

logger = logging.getLogger(__name__)

TABLE = sql.Identifier(Delivery._meta.db_table)


@dataclass
class RunReport:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    deferred: int = 0
    smtp_down: bool = False
    errors: list[str] = field(default_factory=list)


def worker_id() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def smtp_timeout() -> float:
    lease = settings.NEWSLETTER_LEASE_SECONDS
    return min(float(getattr(settings, "EMAIL_TIMEOUT", None) or 30), lease / 3)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def claim(*, edition_id: int, claimer: str, limit: int) -> list[tuple[int, int, int]]:
    """Take up to `limit` due deliveries; committed before returning."""
    with transaction.atomic(), connection.cursor() as cursor:
        query = sql.SQL("""
            UPDATE {table} AS d
            SET status = 'claimed', claimed_by = %s, attempts = d.attempts + 1,
                lease_until = now() + make_interval(secs => %s)
            WHERE d.id IN (
                SELECT id FROM {table}
                WHERE edition_id = %s
                  AND ((status = 'pending' AND next_attempt_at <= now())
                       OR (status = 'claimed' AND lease_until < now()))
                ORDER BY id
                LIMIT %s
                FOR UPDATE SKIP LOCKED
            )
            RETURNING d.id, d.subscriber_id, d.attempts
            """).format(table=TABLE)
        cursor.execute(
            query.as_string(cursor.connection),
            [claimer, settings.NEWSLETTER_LEASE_SECONDS, edition_id, limit],
        )
        return sorted(cursor.fetchall())


def renew(*, ids: list[int], claimer: str) -> set[int]:
    with transaction.atomic(), connection.cursor() as cursor:
        query = sql.SQL("""
            UPDATE {table} SET lease_until = now() + make_interval(secs => %s)
            WHERE id = ANY(%s) AND claimed_by = %s AND status = 'claimed'
            RETURNING id
            """).format(table=TABLE)
        cursor.execute(
            query.as_string(cursor.connection),
            [settings.NEWSLETTER_LEASE_SECONDS, ids, claimer],
        )
        return {row[0] for row in cursor.fetchall()}


def _finish(delivery_id: int, claimer: str, **values) -> int:
    return Delivery.objects.filter(
        pk=delivery_id, claimed_by=claimer, status=Delivery.Status.CLAIMED
    ).update(lease_until=None, **values)


def mark_sent(delivery_id: int, claimer: str, message_id: str) -> None:
    if not _finish(
        delivery_id,
        claimer,
        status=Delivery.Status.SENT,
        sent_at=timezone.now(),
        message_id=message_id[:255],
        last_error="",
    ):
        logger.warning("delivery %s was sent after its claim was lost", delivery_id)


def release(ids: list[int], claimer: str, *, error: str, attempts_by_id: dict[int, int]) -> None:
    """Give claimed rows back (SMTP unavailable); they were never handed over."""
    now = timezone.now()
    for delivery_id in ids:
        attempts = attempts_by_id[delivery_id]
        if attempts >= settings.NEWSLETTER_MAX_ATTEMPTS:
            _finish(delivery_id, claimer, status=Delivery.Status.FAILED, last_error=error[:2000])
        else:
            _finish(
                delivery_id,
                claimer,
                status=Delivery.Status.PENDING,
                next_attempt_at=now + backoff(attempts),
                last_error=error[:2000],
            )


def record_hard_bounce(subscriber: Subscriber, error: str, delivery_id: int | None = None) -> None:
    """Count consecutive permanent refusals; flag the address at the limit.

    A refusal during the SMTP session may be the receiving server's passing
    misconfiguration, hence a limit; a DSN or a complaint suppresses at once
    (newsletter/bounces.py).
    """
    Subscriber.objects.filter(pk=subscriber.pk).update(
        hard_bounces=F("hard_bounces") + 1, last_bounce=error[:2000]
    )
    suppressed = Subscriber.objects.filter(
        pk=subscriber.pk,
        status=Subscriber.Status.CONFIRMED,
        hard_bounces__gte=settings.NEWSLETTER_HARD_BOUNCE_LIMIT,
    ).update(status=Subscriber.Status.BOUNCED)
    status = bounces.STATUS.search(error)
    Bounce.objects.create(
        kind=Bounce.Kind.HARD,
        source=Bounce.Source.SMTP,
        email=subscriber.email,
        subscriber=subscriber,
        edition_id=(
            Delivery.objects.filter(pk=delivery_id).values_list("edition_id", flat=True).first()
            if delivery_id
            else None
        ),
        delivery_id=delivery_id,
        status_code=".".join(status.groups()) if status else "",
        diagnostic=error[:2000],
        suppressed=bool(suppressed),
    )


class _NeverRaised(Exception):
    pass


class _EspErrors:
    """django-anymail's exceptions, imported only when an ESP sends (they import requests)."""

    refused = any = unsupported = _NeverRaised

    def load(self, mail) -> None:
        if type(mail).__module__.startswith("anymail."):
            from anymail import exceptions

            self.refused = exceptions.AnymailRecipientsRefused
            self.any = exceptions.AnymailError
            self.unsupported = exceptions.AnymailUnsupportedFeature


ESP_ERRORS = _EspErrors()

# Errors about the SMTP session rather than one message: the rest of the batch waits.
SESSION_ERRORS = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    smtplib.SMTPAuthenticationError,
    smtplib.SMTPNotSupportedError,
    smtplib.SMTPSenderRefused,
)


def _is_permanent(error: smtplib.SMTPException) -> bool:
    """A 5xx about the recipient or this message."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    code = getattr(error, "smtp_code", None)
    return isinstance(code, int) and 500 <= code < 600


def deliver_parallel(*, edition_id: int, threads: int | None = None) -> RunReport:
    """`deliver` in several threads of this worker, each with its own SMTP and DB session.

    Most of a message's time is spent waiting (SMTP replies, the commit of
    its "sent" mark); threads overlap those waits.
    """
    threads = threads or settings.NEWSLETTER_THREADS
    if threads <= 1:
        return deliver(edition_id=edition_id)

    def lane() -> RunReport:
        try:
            return deliver(edition_id=edition_id)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        reports = list(pool.map(lambda _: lane(), range(threads)))
    total = RunReport()
    for report in reports:
        total.sent += report.sent
        total.failed += report.failed
        total.skipped += report.skipped
        total.deferred += report.deferred
        total.smtp_down = total.smtp_down or report.smtp_down
        total.errors.extend(report.errors)
    return total


def deliver(*, edition_id: int, max_batches: int | None = None) -> RunReport:
    """Send claimable deliveries of an edition until none is left to claim now."""
    report = RunReport()
    edition = Edition.objects.get(pk=edition_id)
    if edition.status != Edition.Status.SENDING:
        return report
    renderer = EditionRenderer(edition)
    claimer = worker_id()
    timeout = smtp_timeout()
    mail = get_connection(fail_silently=False, timeout=timeout)
    ESP_ERRORS.load(mail)
    batches = 0
    try:
        while max_batches is None or batches < max_batches:
            claimed = claim(
                edition_id=edition_id, claimer=claimer, limit=settings.NEWSLETTER_BATCH_SIZE
            )
            if not claimed:
                break
            batches += 1
            deadline = time.monotonic() + settings.NEWSLETTER_LEASE_SECONDS
            _send_batch(claimed, claimer, renderer, mail, deadline, timeout, report)
            if report.smtp_down:
                break
    finally:
        try:
            mail.close()
        except Exception:
            pass
    return report


def _send_batch(claimed, claimer, renderer, mail, deadline, timeout, report) -> None:
    attempts_by_id = {delivery_id: attempts for delivery_id, _, attempts in claimed}
    subscribers = {
        subscriber.pk: subscriber
        for subscriber in Subscriber.objects.filter(pk__in=[row[1] for row in claimed])
        .only("id", "email", "key", "status", "paused", "all_topics", "hard_bounces")
        .prefetch_related("topics")
    }
    remaining = [row[0] for row in claimed]
    rows = {row[0]: row for row in claimed}
    while remaining:
        if time.monotonic() + timeout + 1 > deadline:
            still_ours = renew(ids=remaining, claimer=claimer)
            deadline = time.monotonic() + settings.NEWSLETTER_LEASE_SECONDS
            remaining = [pk for pk in remaining if pk in still_ours]
            if not remaining:
                return
        delivery_id = remaining.pop(0)
        subscriber = subscribers.get(rows[delivery_id][1])
        if attempts_by_id[delivery_id] > settings.NEWSLETTER_MAX_ATTEMPTS:
            _finish(
                delivery_id, claimer, status=Delivery.Status.FAILED, last_error="troppi tentativi"
            )
            report.failed += 1
            continue
        if subscriber is None or not subscriber.is_active():
            _finish(delivery_id, claimer, status=Delivery.Status.SKIPPED, last_error="non attivo")
            report.skipped += 1
            continue
        rendered = renderer.render_for(subscriber.topic_ids())
        if rendered is None:
            _finish(
                delivery_id,
                claimer,
                status=Delivery.Status.SKIPPED,
                last_error="nessun articolo dei suoi argomenti",
            )
            report.skipped += 1
            continue
        token = tokens.manage_token(subscriber.key)
        try:
            message_id = _hand_over(mail, renderer, subscriber.email, token, rendered, delivery_id)
        except ESP_ERRORS.refused as error:
            _finish(
                delivery_id, claimer, status=Delivery.Status.FAILED, last_error=str(error)[:2000]
            )
            record_hard_bounce(subscriber, str(error), delivery_id)
            report.failed += 1
            continue
        except ESP_ERRORS.any as error:  # The ESP's API is down or refused us: all wait.
            _give_back([delivery_id, *remaining], claimer, error, attempts_by_id, mail, report)
            return
        except SESSION_ERRORS as error:
            _give_back([delivery_id, *remaining], claimer, error, attempts_by_id, mail, report)
            return
        except smtplib.SMTPException as error:
            _reset_connection(mail)
            if _is_permanent(error):
                _finish(
                    delivery_id,
                    claimer,
                    status=Delivery.Status.FAILED,
                    last_error=str(error)[:2000],
                )
                record_hard_bounce(subscriber, str(error), delivery_id)
                report.failed += 1
            else:  # 4xx about this message only (greylisting, full mailbox): retry it later.
                release(
                    [delivery_id],
                    claimer,
                    error=f"{type(error).__name__}: {error}",
                    attempts_by_id=attempts_by_id,
                )
                report.deferred += 1
            continue
        except OSError as error:  # Refused, reset, timed out: the server is not there.
            _give_back([delivery_id, *remaining], claimer, error, attempts_by_id, mail, report)
            return
        mark_sent(delivery_id, claimer, message_id)
        if subscriber.hard_bounces:
            Subscriber.objects.filter(pk=subscriber.pk).update(hard_bounces=0)
        report.sent += 1


def _hand_over(mail, renderer, to: str, token: str, rendered, delivery_id: int) -> str:
    """Give one message to the SMTP server or the ESP; returns its Message-ID once accepted.

    The delivery's bounce tag goes into the Message-ID and the envelope
    sender, so whatever comes back names the delivery (newsletter/bounces.py).
    """
    tag = bounces.delivery_tag(delivery_id)
    message_id = make_msgid(idstring=tag, domain=site_domain())
    if isinstance(mail, SMTPBackend):
        if mail.connection is None:
            mail.open()  # One SMTP session for the whole run, not one per message.
        wire = renderer.wire(to=to, token=token, rendered=rendered, message_id=message_id)
        if wire is not None:
            data = wire[1]
        else:
            message = renderer.message(to=to, token=token, rendered=rendered, message_id=message_id)
            data = message.message().as_bytes(linesep="\r\n")
        to_address = sanitize_address(to, settings.DEFAULT_CHARSET)
        mail.connection.sendmail(envelope_from(delivery_id), [to_address], dkim_sign(data))
        return message_id
    message = renderer.message(to=to, token=token, rendered=rendered, message_id=message_id)
    # Read by django-anymail (ignored by other backends): the ESP returns the
    # metadata in its bounce and complaint webhooks. The ESP keeps its own return
    # path (most refuse another envelope sender) and processes the DSNs itself.
    message.metadata = {"s33": tag}
    try:
        mail.send_messages([message])
    except ESP_ERRORS.unsupported:
        # Refused before any request was made, so sending again cannot duplicate.
        del message.metadata
        mail.send_messages([message])
    return message_id


def envelope_from(delivery_id: int | None = None) -> str:
    verp = bounces.return_path(delivery_id) if delivery_id else None
    return verp or sanitize_address(settings.DEFAULT_FROM_EMAIL, settings.DEFAULT_CHARSET)


def _reset_connection(mail) -> None:
    # After a refusal smtplib may be mid-transaction; RSET keeps the session usable.
    try:
        if mail.connection is not None:
            mail.connection.rset()
    except (smtplib.SMTPException, OSError):
        mail.close()


def _give_back(ids, claimer, error, attempts_by_id, mail, report) -> None:
    logger.warning("SMTP unavailable, %s deliveries wait: %s", len(ids), error)
    release(ids, claimer, error=f"{type(error).__name__}: {error}", attempts_by_id=attempts_by_id)
    report.deferred += len(ids)
    report.smtp_down = True
    report.errors.append(str(error))
    try:
        mail.close()
    except Exception:
        pass


def next_wakeup(edition_id: int):
    """When unfinished work of an edition becomes claimable, if any is left."""
    unfinished = Delivery.objects.filter(edition_id=edition_id).unfinished()
    pending = unfinished.filter(status=Delivery.Status.PENDING).aggregate(t=Min("next_attempt_at"))[
        "t"
    ]
    leased = unfinished.filter(status=Delivery.Status.CLAIMED).aggregate(t=Min("lease_until"))["t"]
    times = [t for t in (pending, leased) if t is not None]
    return min(times) if times else None
