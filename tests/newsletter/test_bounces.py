"""Bounces and complaints that come back after a message was accepted."""

import io
import sys

import pytest
from anymail.signals import AnymailTrackingEvent, tracking
from django.core.management import call_command

from newsletter import bounces, services
from newsletter.models import Bounce, Delivery, Edition, Subscriber
from tests.newsletter.conftest import make_subscribers
from tests.newsletter.dsn import arf, dsn

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sent(settings, smtp_settings):
    """Two readers who received an edition over SMTP with a VERP return path."""
    settings.NEWSLETTER_BOUNCE_ADDRESS = "bounces@sanita33.it"
    readers = make_subscribers(2)
    edition = Edition.objects.create(subject="Notizie")
    services.edition_send_now(edition=edition)
    assert smtp_settings.wait_for(2)
    return edition, readers, smtp_settings


def delivery_to(reader: Subscriber) -> Delivery:
    return Delivery.objects.get(subscriber=reader)


def test_each_message_carries_its_delivery_tag_in_return_path_and_message_id(sent):
    edition, readers, sink = sent
    by_recipient = dict(zip(sink.recipients(), sink.envelope_senders, strict=True))
    ids = {str(message["To"]): str(message["Message-ID"]) for message in sink.messages}
    for reader in readers:
        tag = bounces.delivery_tag(delivery_to(reader).pk)
        assert by_recipient[reader.email] == f"bounces+{tag}@sanita33.it"
        assert tag in ids[reader.email]
        assert delivery_to(reader).message_id == ids[reader.email]
    assert len(set(by_recipient.values())) == 2


def test_a_dsn_fed_to_the_command_suppresses_the_address_once(sent, monkeypatch):
    edition, (gone, kept), sink = sent
    delivery = delivery_to(gone)
    report = dsn(
        to=f"bounces+{bounces.delivery_tag(delivery.pk)}@sanita33.it",
        recipient=gone.email,
        message_id=delivery.message_id,
    )

    for _ in range(2):  # The same DSN read twice counts once.
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(report)))
        call_command("ingest_bounces", verbosity=0)

    gone.refresh_from_db()
    kept.refresh_from_db()
    assert gone.status == Subscriber.Status.BOUNCED
    assert kept.status == Subscriber.Status.CONFIRMED
    bounce = Bounce.objects.get()
    assert (bounce.kind, bounce.source, bounce.status_code) == ("hard", "dsn", "5.1.1")
    assert bounce.edition == edition and bounce.suppressed is True
    assert "User unknown" in bounce.diagnostic
    assert not Subscriber.objects.receiving(edition).filter(pk=gone.pk).exists()


def test_the_tag_in_the_quoted_message_id_is_enough(sent):
    """Some servers send DSNs to the From address: the original's Message-ID names the delivery."""
    edition, (gone, _), sink = sent
    report = dsn(
        to="newsletter@sanita33.it",
        recipient=gone.email,
        message_id=delivery_to(gone).message_id,
    )

    assert len(bounces.ingest(report)) == 1
    gone.refresh_from_db()
    assert gone.status == Subscriber.Status.BOUNCED


def test_a_forged_dsn_without_a_valid_tag_is_recorded_but_suppresses_nobody(sent):
    edition, (victim, _), sink = sent
    tag = bounces.delivery_tag(delivery_to(victim).pk)
    forged = dsn(
        # One character off (whatever the last one is under this SECRET_KEY).
        to=f"bounces+{tag[:-1]}{'1' if tag.endswith('0') else '0'}@sanita33.it",
        recipient=victim.email,
        message_id="<guessed@sanita33.it>",
    )

    (bounce,) = bounces.ingest(forged)

    victim.refresh_from_db()
    assert victim.status == Subscriber.Status.CONFIRMED
    assert bounce.suppressed is False and bounce.subscriber is None


def test_policy_refusals_and_delays_do_not_suppress(sent):
    edition, (reader, _), sink = sent
    delivery = delivery_to(reader)
    for status in ("5.7.1", "4.2.2"):
        bounces.ingest(
            dsn(
                to="x@sanita33.it",
                recipient=reader.email,
                message_id=delivery.message_id,
                status=status,
            )
        )

    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.CONFIRMED
    assert list(Bounce.objects.values_list("kind", flat=True)) == ["soft"]


def test_an_arf_complaint_posted_to_the_webhook_suppresses_and_withdraws_consent(
    sent, client, settings
):
    settings.NEWSLETTER_BOUNCE_WEBHOOK_SECRET = "s3greto-lungo"
    edition, (angry, _), sink = sent
    delivery = delivery_to(angry)
    report = arf(
        recipient=angry.email,
        mail_from=bounces.return_path(delivery.pk),
        message_id=delivery.message_id,
    )

    wrong = client.post("/newsletter/rimbalzi/sbagliato/", report, content_type="message/rfc822")
    response = client.post(
        "/newsletter/rimbalzi/s3greto-lungo/", report, content_type="message/rfc822"
    )

    assert wrong.status_code == 404
    assert response.status_code == 200
    angry.refresh_from_db()
    assert angry.status == Subscriber.Status.COMPLAINED
    assert Bounce.objects.get().kind == Bounce.Kind.COMPLAINT


@pytest.mark.urls("tests.newsletter.esp_urls")
def test_an_esp_webhook_bounce_suppresses_through_anymail(sent, client, settings):
    """Postmark's bounce webhook, authenticated by anymail, carries our metadata back."""
    settings.ANYMAIL = {"WEBHOOK_SECRET": "utente:parola"}
    edition, (gone, _), sink = sent
    tag = bounces.delivery_tag(delivery_to(gone).pk)
    payload = {
        "RecordType": "Bounce",
        "Type": "HardBounce",
        "TypeCode": 1,
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Email": gone.email,
        "Description": "The server was unable to deliver your message",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist",
        "BouncedAt": "2026-12-02T07:03:00Z",
        "Metadata": {"s33": tag},
    }

    unauthenticated = client.post(
        "/anymail/postmark/tracking/", payload, content_type="application/json"
    )
    response = client.post(
        "/anymail/postmark/tracking/",
        payload,
        content_type="application/json",
        headers={"authorization": "Basic dXRlbnRlOnBhcm9sYQ=="},
    )

    assert unauthenticated.status_code == 400
    assert response.status_code == 200
    gone.refresh_from_db()
    assert gone.status == Subscriber.Status.BOUNCED
    bounce = Bounce.objects.get()
    assert (bounce.source, bounce.status_code, bounce.edition) == ("esp", "5.1.1", edition)


def test_an_esp_complaint_event_without_metadata_is_trusted_by_address(sent):
    edition, (angry, _), sink = sent
    tracking.send(
        sender=object,
        event=AnymailTrackingEvent(event_type="complained", recipient=angry.email.upper()),
        esp_name="Amazon SES",
    )
    angry.refresh_from_db()
    assert angry.status == Subscriber.Status.COMPLAINED


def test_erasure_removes_the_address_from_bounces(sent):
    edition, (gone, _), sink = sent
    delivery = delivery_to(gone)
    bounces.ingest(dsn(to="x@sanita33.it", recipient=gone.email, message_id=delivery.message_id))

    services.subscriber_erase(subscriber=gone)

    assert Bounce.objects.get().email == ""
