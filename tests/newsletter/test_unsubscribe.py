"""Leaving and managing a subscription from the signed links in every e-mail."""

import pytest
from django.test import Client

from newsletter import tokens
from newsletter.models import Subscriber
from tests.factories import SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscriber():
    return Subscriber.objects.create(email="lettore@example.org", status="confirmed")


def test_one_click_post_needs_no_session_or_csrf(subscriber):
    token = tokens.manage_token(subscriber.key)
    provider = Client(enforce_csrf_checks=True)

    response = provider.post(
        f"/newsletter/disiscrizione/{token}/",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed"
    assert subscriber.unsubscribed_at is not None


def test_get_only_asks_for_confirmation(client, subscriber, django_assert_num_queries):
    token = tokens.manage_token(subscriber.key)
    client.get("/newsletter/privacy/")  # Masthead and navigation are now cached.
    with django_assert_num_queries(1):
        response = client.get(f"/newsletter/disiscrizione/{token}/")
    assert "Vuoi cancellarti" in response.content.decode()
    assert response.headers["Cache-Control"].startswith("max-age=0")
    subscriber.refresh_from_db()
    assert subscriber.status == "confirmed"


def test_tampered_or_foreign_tokens_change_nothing(client, subscriber):
    other = Subscriber.objects.create(email="altro@example.org", status="confirmed")
    token = tokens.manage_token(subscriber.key)
    forged = (
        token.split(":")[0].replace(subscriber.key.hex, other.key.hex) + ":" + token.split(":")[1]
    )
    confirm_token = tokens.confirm_token(other.key)

    for bad in (forged, confirm_token, "nonsense", token[:-2]):
        assert client.post(f"/newsletter/disiscrizione/{bad}/").status_code == 400
        assert client.get(f"/newsletter/preferenze/{bad}/").status_code == 400

    assert set(Subscriber.objects.values_list("status", flat=True)) == {"confirmed"}


def test_preferences_change_topics_and_pause(client, subscriber, daily):
    SectionFactory(name="Salute")
    policy = SectionFactory(name="Politica sanitaria")
    url = f"/newsletter/preferenze/{tokens.manage_token(subscriber.key)}/"
    page = client.get(url)
    assert "Salute" in page.content.decode()

    response = client.post(
        url, {"newsletters": [daily.pk], "topics": [policy.pk], "paused": "on", "save": ""}
    )

    assert "Preferenze salvate" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.paused is True
    assert subscriber.all_topics is False
    assert list(subscriber.topics.all()) == [policy]
    assert subscriber.is_active() is False
    assert not Subscriber.objects.active().exists()

    client.post(url, {"newsletters": [daily.pk], "save": ""})
    subscriber.refresh_from_db()
    assert (subscriber.paused, subscriber.all_topics) == (False, True)


def test_leave_from_the_preferences_page(client, subscriber):
    url = f"/newsletter/preferenze/{tokens.manage_token(subscriber.key)}/"
    response = client.post(url, {"leave": ""})
    assert "Ti sei cancellato" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed"


def test_erasure_kills_every_old_link_and_keeps_anonymous_proof(client):
    from newsletter import services
    from newsletter.models import ConsentRecord, email_digest

    person = services.subscriber_signup(email="Cancellami@example.org", ip="10.0.0.9")
    services.subscriber_confirm(key=person.key)
    token = tokens.manage_token(person.key)

    services.subscriber_erase(subscriber=Subscriber.objects.get(pk=person.pk))

    assert not Subscriber.objects.exists()
    proof = ConsentRecord.objects.get()
    assert proof.email == ""
    assert proof.email_sha256 == email_digest("cancellami@example.org")
    assert proof.confirmed_at and proof.withdrawn_at and proof.erased_at
    assert proof.signup_ip == "10.0.0.0"
    assert client.post(f"/newsletter/disiscrizione/{token}/").status_code == 400


def test_page_queries(client, subscriber, daily, django_assert_num_queries):
    """Signup, confirm and preferences pages each read what they show, once.

    Signup: sections, newsletters. Preferences: the subscriber, sections, and
    newsletters with the subscriber's choice in one query.
    """
    SectionFactory()
    client.get("/newsletter/privacy/")
    with django_assert_num_queries(2):
        client.get("/newsletter/")
    with django_assert_num_queries(1):
        client.get(f"/newsletter/conferma/{tokens.confirm_token(subscriber.key)}/")
    with django_assert_num_queries(3):
        client.get(f"/newsletter/preferenze/{tokens.manage_token(subscriber.key)}/")


def test_unsubscribe_by_mail_to_the_list_unsubscribe_mailto(subscriber, monkeypatch):
    import io
    import sys
    from urllib.parse import parse_qs, urlsplit

    from django.core.management import CommandError, call_command

    from newsletter.emails import unsubscribe_mailto

    mailto = urlsplit(unsubscribe_mailto(tokens.manage_token(subscriber.key)))
    subject = parse_qs(mailto.query)["subject"][0]
    raw = f"From: someone@example.net\r\nTo: {mailto.path}\r\nSubject: {subject}\r\n\r\n".encode()

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    call_command("unsubscribe_from_mail", verbosity=0)
    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed"

    forged = b"Subject: unsubscribe 0123:abc\r\n\r\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(forged)))
    with pytest.raises(CommandError):
        call_command("unsubscribe_from_mail", verbosity=0)
