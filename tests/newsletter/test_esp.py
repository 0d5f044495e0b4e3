"""Sending through an ESP with django-anymail, and DKIM-signed SMTP."""

import base64
import re
import subprocess

import dkim
import pytest
from anymail.exceptions import AnymailAPIError, AnymailUnsupportedFeature
from anymail.message import AnymailRecipientStatus
from anymail.signals import pre_send
from django.core import mail
from django.test import override_settings

from newsletter import bounces, sending, services
from newsletter.models import Bounce, Delivery, Edition, Subscriber
from tests.newsletter.conftest import make_subscribers

pytestmark = pytest.mark.django_db(transaction=True)

QUEUED_TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "newsletter"]}
}


@pytest.fixture
def esp(settings):
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    settings.NEWSLETTER_BOUNCE_ADDRESS = "bounces@sanita33.it"
    settings.NEWSLETTER_THREADS = 1
    mail.outbox = []


def queued_edition() -> Edition:
    edition = Edition.objects.create(subject="Via ESP")
    with override_settings(TASKS=QUEUED_TASKS):
        services.edition_start(edition=edition, force=True)
    return edition


def test_an_esp_gets_each_message_once_with_the_delivery_tag(esp):
    readers = make_subscribers(3)
    edition = queued_edition()

    sending.deliver(edition_id=edition.pk)
    sending.deliver(edition_id=edition.pk)  # A second worker finds nothing to send.

    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in readers)
    for message in mail.outbox:
        delivery = Delivery.objects.get(subscriber__email=message.to[0])
        tag = bounces.delivery_tag(delivery.pk)
        assert message.anymail_test_params["metadata"] == {"s33": tag}
        assert "envelope_sender" not in message.anymail_test_params  # The ESP's own.
        assert delivery.status == Delivery.Status.SENT
        assert delivery.message_id == message.extra_headers["Message-ID"]


def test_an_esp_outage_holds_the_batch_and_it_resumes_without_duplicates(esp):
    readers = make_subscribers(3)
    edition = queued_edition()
    down = {"calls": 0}

    def outage(sender, message, esp_name, **kwargs):
        down["calls"] += 1
        if down["calls"] == 2:
            message.anymail_test_response = AnymailAPIError("503 Service Unavailable")

    pre_send.connect(outage)
    try:
        report = sending.deliver(edition_id=edition.pk)
        assert (report.sent, report.deferred, report.smtp_down) == (1, 2, True)
        Delivery.objects.filter(status="pending").update(next_attempt_at="2000-01-01T00:00Z")
        sending.deliver(edition_id=edition.pk)
    finally:
        pre_send.disconnect(outage)

    delivered = [m.to[0] for m in mail.outbox if not hasattr(m, "anymail_test_response")]
    assert sorted(delivered) == sorted(r.email for r in readers)
    assert Delivery.objects.filter(status="sent").count() == 3


def test_an_esp_without_metadata_still_gets_each_message_once(esp):
    make_subscribers(2)
    edition = queued_edition()

    def no_metadata(sender, message, esp_name, **kwargs):
        if getattr(message, "metadata", None):
            raise AnymailUnsupportedFeature("metadata is not supported")

    pre_send.connect(no_metadata)
    try:
        report = sending.deliver(edition_id=edition.pk)
    finally:
        pre_send.disconnect(no_metadata)

    assert report.sent == 2
    assert len(mail.outbox) == 2
    assert Delivery.objects.filter(status="sent").count() == 2


def test_a_recipient_the_esp_rejects_fails_and_counts_as_a_hard_bounce(esp):
    (reader,) = make_subscribers(1)
    edition = queued_edition()

    def reject(sender, message, esp_name, **kwargs):
        message.anymail_test_response = {
            "recipient_status": {
                reader.email: AnymailRecipientStatus(message_id=None, status="rejected")
            }
        }

    pre_send.connect(reject)
    try:
        report = sending.deliver(edition_id=edition.pk)
    finally:
        pre_send.disconnect(reject)

    assert report.failed == 1
    assert Delivery.objects.get().status == Delivery.Status.FAILED
    bounce = Bounce.objects.get()
    assert (bounce.kind, bounce.edition) == ("hard", edition)
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.CONFIRMED  # One refusal is not yet the limit.


def public_key_record(pem: bytes) -> bytes:
    der = subprocess.run(
        ["openssl", "rsa", "-pubout", "-outform", "DER"], input=pem, capture_output=True, check=True
    ).stdout
    return b"v=DKIM1; k=rsa; p=" + base64.b64encode(der)


def test_plain_smtp_messages_are_dkim_signed_when_a_key_is_configured(
    settings, smtp_settings, tmp_path
):
    key = tmp_path / "dkim.pem"
    pem = subprocess.run(["openssl", "genrsa", "2048"], capture_output=True, check=True).stdout
    key.write_bytes(pem)
    settings.EMAIL_DKIM_KEY_FILE = str(key)
    settings.EMAIL_DKIM_SELECTOR = "s2026"
    settings.EMAIL_DKIM_DOMAIN = "sanita33.it"
    settings.EMAIL_BACKEND = "sanita33.mail.DKIMSMTPBackend"
    make_subscribers(2)
    services.edition_send_now(edition=Edition.objects.create(subject="Firmata: l'edizione"))
    services.subscriber_signup(email="nuova@example.org")  # A confirmation, outside editions.
    assert smtp_settings.wait_for(3)

    record = public_key_record(pem)

    def dns(name, timeout=5):
        assert name == b"s2026._domainkey.sanita33.it."
        return record

    for raw in smtp_settings.raw:
        assert re.search(rb"^DKIM-Signature: .*d=sanita33\.it", raw, re.M | re.S)
        assert dkim.verify(raw, dnsfunc=dns)
        tampered = raw.replace(b"Firmata", b"Falsata").replace(b"conferma", b"Conferma")
        assert not dkim.verify(tampered, dnsfunc=dns)


@pytest.mark.parametrize(
    ("env", "backend_or_error"),
    [
        ({"EMAIL_ESP": "postmark"}, "anymail.backends.postmark.EmailBackend"),
        ({"EMAIL_ESP": "gmail"}, "EMAIL_ESP must be one of"),
        ({"EMAIL_ESP": "mailgun", "EMAIL_HOST": "smtp.example.org"}, "not both"),
        ({"EMAIL_DKIM_KEY_FILE": "/nonexistent.pem"}, "is not a file"),
    ],
)
def test_the_esp_is_chosen_in_settings_and_bad_values_stop_start_up(env, backend_or_error):
    import os
    import sys

    from django.conf import settings as django_settings

    clean = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "ANYMAIL_"))}
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.EMAIL_BACKEND)"],
        env={
            **clean,
            **env,
            "DJANGO_SETTINGS_MODULE": "sanita33.settings",
            "ANYMAIL_POSTMARK_SERVER_TOKEN": "x",
        },
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert backend_or_error in result.stdout + result.stderr
