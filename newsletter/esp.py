"""What an ESP tells us through django-anymail's webhooks (/anymail/<esp>/…).

anymail authenticates each webhook (ANYMAIL_WEBHOOK_SECRET, or the ESP's
signature) and normalises it to a tracking event; bounces, rejections and
complaints go to the same service as DSNs read from the bounce mailbox.
A DSN forwarded to an ESP inbound route arrives as an inbound event and is
parsed like one read from the mailbox. Opens and clicks tracked by the ESP
are ignored: turn that tracking off at the ESP, we count clicks ourselves.
"""

from __future__ import annotations

from anymail.signals import AnymailInboundEvent, AnymailTrackingEvent, EventType

from newsletter import bounces, services
from newsletter.models import Bounce, Subscriber

KINDS = {
    EventType.BOUNCED: Bounce.Kind.HARD,
    EventType.REJECTED: Bounce.Kind.HARD,
    EventType.DEFERRED: Bounce.Kind.SOFT,
    EventType.COMPLAINED: Bounce.Kind.COMPLAINT,
}


def on_tracking(sender, event: AnymailTrackingEvent, esp_name: str, **kwargs) -> None:
    tag = bounces.read_tag(str((event.metadata or {}).get("s33", "")))
    recipient = (event.recipient or "").strip().lower()
    if event.event_type == EventType.UNSUBSCRIBED:
        subscriber = Subscriber.objects.filter(email=recipient).first()
        if subscriber is not None:
            services.subscriber_unsubscribe(subscriber=subscriber, one_click=True)
        return
    kind = KINDS.get(event.event_type)
    if kind is None:
        return
    status = bounces.STATUS.search(event.mta_response or event.description or "")
    bounces.bounce_record(
        report=bounces.Report(
            kind=kind,
            source=Bounce.Source.ESP,
            email=recipient,
            status_code=".".join(status.groups()) if status else "",
            diagnostic=f"{esp_name}: {event.mta_response or event.description or ''}"[:2000],
            delivery_id=tag,
        ),
        trusted=True,
    )


def on_inbound(sender, event: AnymailInboundEvent, esp_name: str, **kwargs) -> None:
    if event.message is not None:
        bounces.ingest(event.message, envelope_recipient=event.message.envelope_recipient or "")
