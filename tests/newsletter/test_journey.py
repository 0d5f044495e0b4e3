"""The whole subscriber journey over a real SMTP server on loopback."""

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client

from newsletter import services
from newsletter.models import Edition, Subscriber
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def path_of(url: str) -> str:
    return urlsplit(url).path


def html_part(message) -> str:
    return message.get_body(("html",)).get_content()


def text_part(message) -> str:
    return message.get_body(("plain",)).get_content()


@pytest.mark.smoke
def test_signup_confirm_receive_one_click_unsubscribe_and_nothing_more(
    client, smtp_settings, settings
):
    """Sign up, confirm from the mail, get one copy, leave with one click, get nothing more."""
    sink = smtp_settings
    settings.SITE_URL = "https://www.sanita33.it"
    ArticleFactory(title="Vaccini, il nuovo calendario", is_featured=True)

    response = client.post(
        "/newsletter/",
        {"email": "Lettrice@Example.org", "consent": "1", "page": "/salute/articolo/"},
        REMOTE_ADDR="93.41.12.7",
    )
    assert response.status_code == 200
    assert sink.wait_for(1)
    confirmation = sink.messages[0]
    assert confirmation["To"] == "lettrice@example.org"
    assert "Conferma" in confirmation["Subject"]
    confirm_url = re.search(
        r"https://www\.sanita33\.it/newsletter/conferma/\S+/", text_part(confirmation)
    )
    assert confirm_url is not None
    assert confirm_url.group(0) in html_part(confirmation)

    page = client.get(path_of(confirm_url.group(0)))
    assert page.status_code == 200
    assert Subscriber.objects.get().status == "pending"
    confirmed = client.post(path_of(confirm_url.group(0)), REMOTE_ADDR="93.41.12.8")
    assert "Iscrizione confermata" in confirmed.content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.status == "confirmed"
    consent = subscriber.consents.get()
    assert (consent.page, consent.signup_ip, consent.confirm_ip) == (
        "/salute/articolo/",
        "93.41.12.0",
        "93.41.12.0",
    )

    edition = Edition.objects.create(subject="Le notizie della settimana")
    services.edition_prefill(edition=edition)
    services.edition_send_now(edition=edition)
    assert sink.wait_for(2)
    edition.refresh_from_db()
    assert edition.status == "sent"
    assert sink.recipients() == ["lettrice@example.org", "lettrice@example.org"]
    received = sink.messages[1]
    assert received["Subject"] == "Le notizie della settimana"
    assert received["Message-ID"]
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Vaccini, il nuovo calendario" in html_part(received)
    assert "https://www.sanita33.it/" in text_part(received)
    links = re.findall(r"<([^>]+)>", received["List-Unsubscribe"])
    https_link = next(link for link in links if link.startswith("https://"))
    assert any(link.startswith("mailto:") for link in links)

    # RFC 8058: the mailbox provider POSTs from its servers, no cookie, no CSRF token.
    provider = Client(enforce_csrf_checks=True)
    one_click = provider.post(
        path_of(https_link),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert one_click.status_code == 200
    assert Subscriber.objects.get().status == "unsubscribed"
    assert subscriber.consents.get().withdrawn_at is not None

    next_edition = Edition.objects.create(subject="La settimana dopo")
    services.edition_send_now(edition=next_edition)
    next_edition.refresh_from_db()
    assert next_edition.status == "sent"
    assert next_edition.deliveries.count() == 0
    assert len(sink.messages) == 2
