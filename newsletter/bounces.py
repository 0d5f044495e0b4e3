"""Mail that comes back: bounces (RFC 3464 DSNs) and spam complaints (RFC 5965 ARF).

Every edition message carries its delivery's tag twice: in the envelope
sender (VERP, `bounces+<id>-<hmac>@domain` when NEWSLETTER_BOUNCE_ADDRESS is
set) and in its Message-ID, which DSNs and ARF reports quote back. The tag is
an HMAC of the delivery id, so only a report about a message we really sent
to that address can suppress it; a report naming an address but no valid tag
is recorded, never acted on (anybody can mail the bounce mailbox).
ESP webhooks (django-anymail) are authenticated by anymail and trusted.
"""

from __future__ import annotations

import email
import email.policy
import logging
import re
from dataclasses import dataclass
from email.message import Message
from email.parser import HeaderParser
from email.utils import getaddresses, parseaddr

from django.conf import settings
from django.db import transaction
from django.utils.crypto import constant_time_compare, salted_hmac

from newsletter.models import Bounce, ConsentRecord, Delivery, Subscriber

logger = logging.getLogger(__name__)

TAG_SALT = "newsletter.bounce-tag"
TAG = re.compile(r"s33-(\d+)-([0-9a-f]{12})", re.IGNORECASE)
STATUS = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
# Permanent failures that are about the message or the receiver's policy, not the
# address: recorded, never suppressing (the next edition may well arrive).
NOT_ABOUT_THE_ADDRESS = ("5.2.2", "5.3.4", "5.7.")
COMPLAINT_TYPES = {"abuse", "fraud", "virus", "other"}
ADDRESS_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "To")


def delivery_tag(delivery_id: int) -> str:
    digest = salted_hmac(TAG_SALT, str(delivery_id)).hexdigest()[:12]
    return f"s33-{delivery_id}-{digest}"


def read_tag(text: str) -> int | None:
    """The delivery id of the first valid tag in `text`, if any."""
    for match in TAG.finditer(text or ""):
        delivery_id = int(match.group(1))
        if constant_time_compare(delivery_tag(delivery_id), match.group(0).lower()):
            return delivery_id
    return None


def return_path(delivery_id: int) -> str | None:
    """The VERP envelope sender of one message, or None without a bounce address."""
    address = settings.NEWSLETTER_BOUNCE_ADDRESS
    if not address:
        return None
    local, _, domain = address.rpartition("@")
    return f"{local}+{delivery_tag(delivery_id)}@{domain}"


@dataclass
class Report:
    """What one returned message says, whatever its format."""

    kind: str  # Bounce.Kind
    source: str  # Bounce.Source
    email: str = ""
    status_code: str = ""
    diagnostic: str = ""
    delivery_id: int | None = None


def parse(message: Message, *, envelope_recipient: str = "") -> list[Report]:
    """Reports in a DSN or ARF message; [] for anything else (auto-replies, spam)."""
    content_type = message.get_content_type()
    report_type = (message.get_param("report-type") or "").lower()
    if content_type != "multipart/report":
        return []
    tag = read_tag(envelope_recipient) or _tag_from_headers(message)
    if report_type == "delivery-status":
        return _parse_dsn(message, tag)
    if report_type == "feedback-report":
        return _parse_arf(message, tag)
    return []


def _tag_from_headers(message: Message) -> int | None:
    for name in ADDRESS_HEADERS:
        for value in message.get_all(name, []):
            found = read_tag(str(value))
            if found:
                return found
    return None


def _field_blocks(part: Message) -> list[dict[str, str]]:
    """The header-like blocks of a message/delivery-status or message/feedback-report."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [{k.lower(): str(v) for k, v in block.items()} for block in payload]
    text = payload if isinstance(payload, str) else ""
    blocks = [chunk for chunk in re.split(r"\r?\n\s*\r?\n", text) if chunk.strip()]
    parser = HeaderParser()
    return [{k.lower(): str(v) for k, v in parser.parsestr(b).items()} for b in blocks]


def _original_text(message: Message) -> str:
    """Headers of the returned original (message/rfc822 or text/rfc822-headers)."""
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/rfc822":
            inner = part.get_payload()
            inner = inner[0] if isinstance(inner, list) else inner
            if isinstance(inner, Message):
                return "\n".join(f"{k}: {v}" for k, v in inner.items())
        if kind == "text/rfc822-headers":
            return part.get_payload(decode=True).decode("utf-8", "replace")
    return ""


def _address(value: str) -> str:
    # "rfc822; someone@example.org"
    value = value.split(";", 1)[-1]
    return parseaddr(value)[1].strip().lower()


def _parse_dsn(message: Message, tag: int | None) -> list[Report]:
    tag = tag or read_tag(_original_text(message))
    reports = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        for block in _field_blocks(part)[1:]:  # The first block is per-message.
            action = block.get("action", "").strip().lower()
            status = STATUS.search(block.get("status", ""))
            code = ".".join(status.groups()) if status else ""
            if action == "failed" and code.startswith("5"):
                kind = (
                    Bounce.Kind.SOFT if code.startswith(NOT_ABOUT_THE_ADDRESS) else Bounce.Kind.HARD
                )
            elif action in ("failed", "delayed"):
                kind = Bounce.Kind.SOFT
            else:
                continue  # delivered, relayed, expanded
            reports.append(
                Report(
                    kind=kind,
                    source=Bounce.Source.DSN,
                    email=_address(
                        block.get("original-recipient") or block.get("final-recipient", "")
                    ),
                    status_code=code,
                    diagnostic=" ".join(block.get("diagnostic-code", "").split())[:2000],
                    delivery_id=tag,
                )
            )
    return reports


def _parse_arf(message: Message, tag: int | None) -> list[Report]:
    for part in message.walk():
        if part.get_content_type() != "message/feedback-report":
            continue
        fields: dict[str, str] = {}
        for block in _field_blocks(part):
            fields.update(block)
        feedback_type = fields.get("feedback-type", "").strip().lower()
        if feedback_type not in COMPLAINT_TYPES:
            return []
        tag = (
            tag
            or read_tag(fields.get("original-mail-from", ""))
            or read_tag(_original_text(message))
        )
        recipients = getaddresses([fields.get("original-rcpt-to", "")])
        return [
            Report(
                kind=Bounce.Kind.COMPLAINT,
                source=Bounce.Source.ARF,
                email=(recipients[0][1].lower() if recipients else ""),
                diagnostic=f"Feedback-Type: {feedback_type}; {fields.get('user-agent', '')}"[:2000],
                delivery_id=tag,
            )
        ]
    return []


def ingest(raw: bytes | str | Message, *, envelope_recipient: str = "") -> list[Bounce]:
    """Parse one returned message and record what it reports."""
    if isinstance(raw, Message):
        message = raw
    elif isinstance(raw, bytes):
        message = email.message_from_bytes(raw, policy=email.policy.compat32)
    else:
        message = email.message_from_string(raw, policy=email.policy.compat32)
    return [
        bounce
        for report in parse(message, envelope_recipient=envelope_recipient)
        if (bounce := bounce_record(report=report, trusted=False)) is not None
    ]


def bounce_record(*, report: Report, trusted: bool) -> Bounce | None:
    """Record a report; suppress the address for a hard bounce or a complaint.

    Suppression needs a valid delivery tag, or a trusted source (an ESP
    webhook anymail authenticated). The same report fed twice is recorded once.
    """
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_related("subscriber").filter(pk=report.delivery_id).first()
            if report.delivery_id
            else None
        )
        subscriber = delivery.subscriber if delivery else None
        if subscriber is None and report.email:
            subscriber = Subscriber.objects.filter(email=report.email).first()
        if subscriber is not None and delivery is None and not trusted:
            # An address alone proves nothing: record it, touch nobody.
            subscriber = None
        if (
            delivery is not None
            and Bounce.objects.filter(delivery=delivery, kind=report.kind).exists()
        ):
            return None
        suppress = subscriber is not None and report.kind in (
            Bounce.Kind.HARD,
            Bounce.Kind.COMPLAINT,
        )
        bounce = Bounce.objects.create(
            kind=report.kind,
            source=report.source,
            email=subscriber.email if subscriber else report.email,
            subscriber=subscriber,
            edition_id=delivery.edition_id if delivery else None,
            delivery=delivery,
            status_code=report.status_code,
            diagnostic=report.diagnostic,
            suppressed=suppress,
        )
        if suppress:
            subscriber_suppress(subscriber=subscriber, bounce=bounce)
    return bounce


def subscriber_suppress(*, subscriber: Subscriber, bounce: Bounce) -> None:
    """No more mail to this address: hard bounce or spam complaint."""
    status = (
        Subscriber.Status.COMPLAINED
        if bounce.kind == Bounce.Kind.COMPLAINT
        else Subscriber.Status.BOUNCED
    )
    Subscriber.objects.filter(
        pk=subscriber.pk, status__in=[Subscriber.Status.CONFIRMED, Subscriber.Status.PENDING]
    ).update(status=status, last_bounce=bounce.diagnostic or bounce.get_kind_display())
    Delivery.objects.filter(subscriber=subscriber, status=Delivery.Status.PENDING).update(
        status=Delivery.Status.SKIPPED, last_error=bounce.get_kind_display()
    )
    if bounce.kind == Bounce.Kind.COMPLAINT:
        # Marking a newsletter as spam withdraws consent as clearly as unsubscribing.
        ConsentRecord.objects.filter(subscriber=subscriber, withdrawn_at__isnull=True).update(
            withdrawn_at=bounce.received_at
        )
    logger.info("subscriber %s suppressed: %s", subscriber.pk, bounce.kind)
