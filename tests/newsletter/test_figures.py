"""Numbers editors use, without tracking readers: per edition, per article, per signup page."""

import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from newsletter import bounces, services, tokens
from newsletter.models import (
    ConsentRecord,
    Delivery,
    Edition,
    EditionArticle,
    Subscriber,
    Unsubscription,
)
from tests.conftest import admin_path
from tests.factories import ArticleFactory, UserFactory
from tests.newsletter.conftest import make_subscribers
from tests.newsletter.dsn import arf, dsn

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def editor(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


@pytest.fixture
def edition():
    """An edition with two articles, sent to four readers."""
    first = ArticleFactory(title="Vaccini: l'anticipo della campagna")
    second = ArticleFactory(title="Liste d'attesa")
    readers = make_subscribers(4)
    edition = Edition.objects.create(subject="Numeri")
    EditionArticle.objects.create(edition=edition, article=first, position=0)
    EditionArticle.objects.create(edition=edition, article=second, position=1)
    services.edition_send_now(edition=edition)
    edition.refresh_from_db()
    edition.readers = readers
    edition.first, edition.second = first, second
    return edition


def test_article_links_in_the_mail_go_through_a_first_party_redirect(edition):
    body = mail.outbox[0].body
    link = f"/newsletter/l/{edition.pk}/{edition.first.pk}/"
    assert link in body
    assert edition.first.get_absolute_url() not in body
    # The link is the same for everyone: it cannot tell who clicked.
    assert all(link in message.body for message in mail.outbox)


def test_a_click_counts_once_redirects_and_stores_nothing_about_the_reader(edition):
    reader = Client()
    link = f"/newsletter/l/{edition.pk}/{edition.first.pk}/"

    assert reader.head(link).status_code == 302  # Link scanners do not count.
    response = reader.get(link, REMOTE_ADDR="151.38.4.20", HTTP_USER_AGENT="Mail")

    assert response.status_code == 302
    assert response["Location"] == edition.first.get_absolute_url()
    assert "Set-Cookie" not in response
    clicks = dict(EditionArticle.objects.values_list("article_id", "clicks"))
    assert clicks == {edition.first.pk: 1, edition.second.pk: 0}
    other = ArticleFactory()
    assert reader.get(f"/newsletter/l/{edition.pk}/{other.pk}/").status_code == 404


def test_staff_trying_the_links_do_not_count(edition, editor):
    editor.get(f"/newsletter/l/{edition.pk}/{edition.first.pk}/")
    assert EditionArticle.objects.get(article=edition.first).clicks == 0


def test_leaving_records_the_reason_against_the_last_edition_without_the_person(edition, client):
    first, second, third = edition.readers[:3]
    client.post(
        f"/newsletter/disiscrizione/{tokens.manage_token(first.key)}/", {"reason": "too_many"}
    )
    # RFC 8058 one-click from the mail provider: no reason.
    client.post(
        f"/newsletter/disiscrizione/{tokens.manage_token(second.key)}/",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    client.post(f"/newsletter/disiscrizione/{tokens.manage_token(third.key)}/", {"reason": "<x>"})
    client.post(f"/newsletter/disiscrizione/{tokens.manage_token(first.key)}/")  # Again.

    rows = list(Unsubscription.objects.order_by("id").values_list("edition", "reason", "one_click"))
    assert rows == [
        (edition.pk, "too_many", False),
        (edition.pk, "", True),
        (edition.pk, "", False),
    ]
    assert not any(f.name == "subscriber" for f in Unsubscription._meta.get_fields())


def test_the_unsubscribe_page_offers_optional_reasons(edition, client):
    page = client.get(
        f"/newsletter/disiscrizione/{tokens.manage_token(edition.readers[0].key)}/"
    ).content.decode()
    assert "Ricevo troppe e-mail" in page
    assert "facoltativo" in page


def test_edition_figures_in_the_admin_and_as_csv(edition, editor, client):
    bounced, angry, leaving, reading = edition.readers
    for reader, report in (
        (bounced, dsn),
        (angry, arf),
    ):
        delivery = Delivery.objects.get(subscriber=reader)
        kwargs = {"recipient": reader.email, "message_id": delivery.message_id}
        if report is arf:
            kwargs["mail_from"] = f"bounces+{bounces.delivery_tag(delivery.pk)}@sanita33.it"
        else:
            kwargs["to"] = "x@sanita33.it"
        bounces.ingest(report(**kwargs))
    services.subscriber_unsubscribe(subscriber=leaving, reason="not_relevant")
    anonymous = Client()
    for _ in range(3):
        anonymous.get(f"/newsletter/l/{edition.pk}/{edition.second.pk}/")

    page = editor.get(admin_path(f"newsletter/edition/{edition.pk}/numeri/")).content.decode()
    export = editor.get(admin_path(f"newsletter/edition/{edition.pk}/numeri.csv"))

    assert "Nessun pixel di apertura" in page
    assert "I contenuti non mi interessano" in page
    rows = {row[0]: row[1:] for row in csv.reader(io.StringIO(export.content.decode())) if row}
    assert export["Content-Type"].startswith("text/csv")
    assert rows["inviate"] == ["4"]
    assert rows["consegnate"] == ["3"]
    assert rows["rimbalzate"] == ["1"]
    assert rows["segnalate come spam"] == ["1"]
    assert rows["cancellazioni"] == ["1"]
    assert rows["clic"] == ["3"]
    assert rows["Liste d'attesa"] == [edition.second.get_absolute_url(), "3"]
    assert rows["I contenuti non mi interessano"] == ["1"]
    assert Subscriber.objects.get(pk=reading.pk).status == "confirmed"


def test_signup_sources_per_week_in_the_admin(editor):
    article = ArticleFactory(title="Carenza di farmaci")
    now = timezone.now()
    for page, days_ago in [
        (article.get_absolute_url(), 0),
        (article.get_absolute_url(), 0),
        (article.get_absolute_url(), 8),
        ("/newsletter/", 1),
        ("/", 20),
    ]:
        ConsentRecord.objects.create(
            email_sha256="x",
            page=page,
            notice_version="1",
            confirmed_at=now - timedelta(days=days_ago),
        )
    ConsentRecord.objects.create(email_sha256="y", page="/", notice_version="1")  # Unconfirmed.

    page = editor.get(admin_path("newsletter/newsletter/provenienza/")).content.decode()

    assert "Da dove arrivano gli iscritti" in page
    assert "Carenza di farmaci" in page and "Prima pagina" in page
    row = page.split("Carenza di farmaci", 1)[1].split("</tr>", 1)[0]
    assert "<strong>3</strong>" in row


def test_a_click_costs_two_queries(edition, django_assert_num_queries):
    """Read the edition's article with its section, add one: nothing else, no session."""
    link = f"/newsletter/l/{edition.pk}/{edition.first.pk}/"
    with django_assert_num_queries(2):
        response = Client().get(link)
    assert response.status_code == 302
