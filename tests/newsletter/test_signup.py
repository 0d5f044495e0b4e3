"""Signing up: the form, double opt-in, abuse limits, consent proof, purge."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from newsletter import services, tokens
from newsletter.models import ConsentRecord, Subscriber
from tests.factories import SectionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def signup(client, email="lettore@example.org", **extra):
    data = {"email": email, "consent": "1", "page": "/salute/"}
    data.update(extra)
    return client.post("/newsletter/", data, REMOTE_ADDR=extra.pop("ip", "151.38.4.20"))


def confirm_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/newsletter/conferma/\S+/)", message.body).group(1)


def test_inline_form_posts_without_csrf_token_like_from_a_cached_page():
    """The partial carries no token, so the POST must work with CSRF checks on."""
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    html = render_to_string(
        "newsletter/includes/signup_inline.html", {"request": RequestFactory().get("/a/b/")}
    )
    assert "csrfmiddlewaretoken" not in html
    assert 'action="/newsletter/"' in html
    assert 'name="website"' in html and "hidden" in html
    assert 'href="/newsletter/privacy/"' in html

    response = signup(Client(enforce_csrf_checks=True))

    assert response.status_code == 200
    assert Subscriber.objects.filter(email="lettore@example.org", status="pending").exists()


def test_the_answer_is_the_same_for_new_pending_and_subscribed_addresses(client):
    Subscriber.objects.create(email="iscritta@example.org", status="confirmed")
    Subscriber.objects.create(email="attesa@example.org", status="pending")

    pages = [
        signup(client, email).content.decode().replace(email, "X")
        for email in ("nuova@example.org", "attesa@example.org", "iscritta@example.org")
    ]

    assert pages[0] == pages[1] == pages[2]
    assert "Controlla la tua casella" in pages[0]
    assert Subscriber.objects.get(email="iscritta@example.org").status == "confirmed"


def test_at_most_one_confirmation_mail_per_address_per_hour(client):
    for _ in range(4):
        signup(client, "Ripete@Example.org")
    assert len(mail.outbox) == 1
    assert Subscriber.objects.count() == 1

    Subscriber.objects.update(confirmation_sent_at=timezone.now() - timedelta(minutes=61))
    signup(client, "ripete@example.org")
    assert len(mail.outbox) == 2


def test_confirmation_mail_has_a_link_that_confirms_after_a_click(client):
    signup(client, topics=[SectionFactory().pk])
    message = mail.outbox[0]
    assert message.alternatives[0][1] == "text/html"
    assert message.extra_headers["Message-ID"]

    page = client.get(confirm_path(message))
    assert page.status_code == 200
    assert "Confermo l'iscrizione" in page.content.decode()
    assert Subscriber.objects.get().status == "pending"  # A link scanner's GET confirms nothing.

    client.post(confirm_path(message), REMOTE_ADDR="2a01:e11:5:1::7")

    subscriber = Subscriber.objects.get()
    assert subscriber.status == "confirmed"
    assert subscriber.all_topics is False
    consent = ConsentRecord.objects.get()
    assert consent.confirmed_at is not None
    assert consent.confirm_ip == "2a01:e11:5::"
    assert consent.signup_ip == "151.38.4.0"
    assert consent.notice_version and consent.page == "/salute/"


def test_expired_link_offers_a_new_one(client, settings):
    signup(client)
    path = confirm_path(mail.outbox[0])
    settings.NEWSLETTER_CONFIRM_DAYS = -1  # Every link is now past its age.

    page = client.get(path)

    assert page.status_code == 410
    assert "è scaduto" in page.content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page.content.decode()).group(1)
    Subscriber.objects.update(confirmation_sent_at=timezone.now() - timedelta(hours=2))
    client.post("/newsletter/nuovo-link/", {"token": token})
    assert len(mail.outbox) == 2
    settings.NEWSLETTER_CONFIRM_DAYS = 7
    client.post(confirm_path(mail.outbox[1]))
    assert Subscriber.objects.get().status == "confirmed"


def test_tampered_link_gives_a_friendly_page(client):
    signup(client)
    path = confirm_path(mail.outbox[0])
    tampered = path[:-3] + ("A" if path[-3] != "A" else "B") + "/"

    page = client.post(tampered)

    assert page.status_code == 400
    assert "Questo link non è valido" in page.content.decode()
    assert Subscriber.objects.get().status == "pending"


def test_a_manage_token_cannot_be_used_as_a_confirm_token(client):
    subscriber = Subscriber.objects.create(email="x@example.org")
    client.post(f"/newsletter/conferma/{tokens.manage_token(subscriber.key)}/")
    assert Subscriber.objects.get().status == "pending"


def test_invalid_address_keeps_what_was_typed(client):
    response = signup(client, "mario.rossi@", topics=[])

    assert response.status_code == 400
    body = response.content.decode()
    assert "non sembra valido" in body
    assert 'value="mario.rossi@"' in body
    assert 'aria-invalid="true"' in body
    assert Subscriber.objects.count() == 0


def test_missing_consent_is_explained(client):
    response = client.post("/newsletter/", {"email": "a@example.org"})
    assert response.status_code == 400
    assert "accettare l&#x27;informativa" in response.content.decode()
    assert 'value="a@example.org"' in response.content.decode()


@pytest.mark.parametrize(
    "address",
    [
        "vittima@example.org\r\nBcc: tutti@example.org",
        "vittima@example.org%0ABcc:tutti@example.org",
        "vittima@example.org\nSubject: spam",
    ],
)
def test_header_injection_is_rejected(client, address):
    response = signup(client, address)
    assert response.status_code == 400
    assert Subscriber.objects.count() == 0
    assert mail.outbox == []


def test_honeypot_gets_the_same_answer_and_stores_nothing(client):
    response = signup(client, website="http://spam.example")
    assert response.status_code == 200
    assert "Controlla la tua casella" in response.content.decode()
    assert Subscriber.objects.count() == 0
    assert mail.outbox == []


def test_signups_per_ip_are_limited(client, settings):
    settings.NEWSLETTER_SIGNUPS_PER_IP_PER_HOUR = 3
    for n in range(3):
        assert signup(client, f"a{n}@example.org").status_code == 200

    blocked = signup(client, "a9@example.org")

    assert blocked.status_code == 429
    assert "Troppe iscrizioni" in blocked.content.decode()
    assert 'value="a9@example.org"' in blocked.content.decode()
    assert signup(client, "b@example.org", ip="151.38.9.9").status_code == 200
    assert Subscriber.objects.count() == 4


def test_coming_back_after_leaving_needs_a_new_confirmation(client):
    subscriber = Subscriber.objects.create(
        email="torna@example.org", status="unsubscribed", confirmed_at=timezone.now()
    )
    signup(client, "torna@example.org")
    subscriber.refresh_from_db()
    assert subscriber.status == "pending"
    assert len(mail.outbox) == 1


def test_purge_removes_unconfirmed_signups_after_30_days_and_keeps_the_rest():
    old = timezone.now() - timedelta(days=31)
    stale = services.subscriber_signup(email="vecchio@example.org")
    Subscriber.objects.filter(pk=stale.pk).update(created_at=old)
    recent = services.subscriber_signup(email="recente@example.org")
    confirmed = Subscriber.objects.create(
        email="ok@example.org", status="confirmed", created_at=old
    )

    call_command("purge_unconfirmed", "--dry-run", verbosity=0)
    assert Subscriber.objects.count() == 3
    call_command("purge_unconfirmed", verbosity=0)

    assert set(Subscriber.objects.values_list("pk", flat=True)) == {recent.pk, confirmed.pk}
    assert not ConsentRecord.objects.filter(email="vecchio@example.org").exists()


def test_purge_keeps_earlier_withdrawn_consent_without_the_address():
    """Left, signed up again, never confirmed: the old proof stays, anonymous."""
    person = services.subscriber_signup(email="ritorno@example.org")
    services.subscriber_confirm(key=person.key)
    services.subscriber_unsubscribe(subscriber=person)
    services.subscriber_signup(email="ritorno@example.org")
    Subscriber.objects.update(created_at=timezone.now() - timedelta(days=31))

    services.purge_unconfirmed()

    assert not Subscriber.objects.exists()
    proof = ConsentRecord.objects.get()
    assert proof.confirmed_at and proof.withdrawn_at and proof.erased_at
    assert proof.email == ""


def test_signup_page_and_privacy_notice_render(client, django_assert_num_queries, settings):
    SectionFactory(name="Prevenzione")
    response = client.get("/newsletter/")
    assert response.status_code == 200
    assert "Prevenzione" in response.content.decode()
    notice = client.get("/newsletter/privacy/")
    assert settings.NEWSLETTER_NOTICE_VERSION in notice.content.decode()


def test_signup_works_from_a_page_served_by_the_page_cache(db):
    """Two readers get the same cached article HTML; each one's signup goes through."""
    from html.parser import HTMLParser

    from tests.factories import ArticleFactory

    article = ArticleFactory()
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get(article.get_absolute_url())
    first.get(article.get_absolute_url())
    cached = second.get(article.get_absolute_url())
    assert cached["X-Cache"] == "HIT"
    assert "csrftoken" not in cached.cookies

    class SignupForm(HTMLParser):
        action, fields, inside = None, {}, False

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "form" and "newsletter-signup__form" in attrs.get("class", ""):
                self.action, self.inside = attrs["action"], True
            elif tag == "input" and self.inside:
                self.fields[attrs["name"]] = attrs.get("value", "")

        def handle_endtag(self, tag):
            self.inside = self.inside and tag != "form"

    form = SignupForm()
    form.feed(cached.content.decode())
    assert set(form.fields) == {"page", "email", "consent", "website"}
    data = {**form.fields, "email": "dalla-cache@example.org", "consent": "1"}

    response = second.post(form.action, data)

    assert response.status_code == 200
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "dalla-cache@example.org"
    assert subscriber.consents.get().page == article.get_absolute_url()


def test_an_old_link_of_a_confirmed_reader_says_they_are_in(client, settings):
    subscriber = Subscriber.objects.create(email="dentro@example.org", status="confirmed")
    token = tokens.confirm_token(subscriber.key)
    settings.NEWSLETTER_CONFIRM_DAYS = -1

    page = client.get(f"/newsletter/conferma/{token}/")

    assert page.status_code == 200
    assert "Iscrizione confermata" in page.content.decode()


def test_a_repeated_signup_within_the_hour_never_claims_a_mail_was_sent(client):
    """No mail leaves the second time, so the page must not say one did; it says when to retry."""
    first = signup(client, "fretta@example.org").content.decode()
    second = signup(client, "fretta@example.org").content.decode()

    assert len(mail.outbox) == 1
    text = re.sub(r"<[^>]+>", "", second)
    assert "appena scritto" not in text
    assert "riprova tra un'ora" in text
    # The same words whether or not a mail left: the page reveals nothing.
    assert first == second
