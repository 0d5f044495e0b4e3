"""The editors' and the data-protection officer's side, in the admin."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from newsletter import tokens
from newsletter.emails import TOKEN_PLACEHOLDER
from newsletter.models import ConsentRecord, Edition, EditionArticle, Subscriber
from tests.conftest import admin_path
from tests.factories import ArticleFactory, SectionFactory, UserFactory
from tests.newsletter.conftest import make_subscribers

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def editor(client):
    user = UserFactory(is_superuser=True, email="redazione@example.org")
    client.force_login(user)
    return user


def test_new_edition_is_prefilled_with_recent_important_articles(client, editor):
    featured = ArticleFactory(title="In evidenza", is_featured=True)
    other = ArticleFactory(title="Normale")
    ArticleFactory(title="Bozza", draft=True)

    response = client.post(
        admin_path("newsletter/edition/add/"),
        {
            "subject": "Settimana 12",
            "preheader": "Le notizie",
            "intro": "<p>Buongiorno</p><script>x</script>",
            "items-TOTAL_FORMS": "0",
            "items-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    edition = Edition.objects.get()
    assert edition.created_by == editor
    assert edition.intro == "<p>Buongiorno</p>"
    assert [item.article for item in edition.items.all()] == [featured, other]


def test_preview_is_exactly_the_sent_html(client, editor):
    edition = Edition.objects.create(subject="Anteprima", intro="<p>Ciao</p>")
    EditionArticle.objects.create(edition=edition, article=ArticleFactory(title="Studio"))
    [subscriber] = make_subscribers(1)

    preview = client.get(admin_path(f"newsletter/edition/{edition.pk}/anteprima/"))
    text = client.get(admin_path(f"newsletter/edition/{edition.pk}/anteprima/?formato=testo"))
    client.post(admin_path(f"newsletter/edition/{edition.pk}/invio/"), {"action": "send"})

    [message] = mail.outbox
    token = tokens.manage_token(subscriber.key)
    assert preview.content.decode().replace(TOKEN_PLACEHOLDER, token) == message.alternatives[0][0]
    assert text.content.decode().replace(TOKEN_PLACEHOLDER, token) == message.body
    assert Edition.objects.get().status == "sent"


def test_send_a_test_to_an_address(client, editor):
    edition = Edition.objects.create(subject="Prova")
    make_subscribers(3)

    client.post(
        admin_path(f"newsletter/edition/{edition.pk}/invio/"),
        {"action": "test", "email": "caporedattore@example.org"},
    )

    [message] = mail.outbox
    assert message.to == ["caporedattore@example.org"]
    assert message.subject == "[PROVA] Prova"
    assert Edition.objects.get().status == "draft"
    assert not Edition.objects.get().deliveries.exists()


def test_schedule_and_status_counts(client, editor):
    edition = Edition.objects.create(subject="Programmata")
    make_subscribers(2)
    when = timezone.localtime() + timedelta(days=1)

    client.post(
        admin_path(f"newsletter/edition/{edition.pk}/invio/"),
        {"action": "schedule", "when": when.strftime("%Y-%m-%dT%H:%M")},
    )

    edition.refresh_from_db()
    assert edition.status == "scheduled"
    assert timezone.localtime(edition.scheduled_at).strftime("%Y-%m-%d %H:%M") == when.strftime(
        "%Y-%m-%d %H:%M"
    )
    page = client.get(admin_path(f"newsletter/edition/{edition.pk}/invio/"))
    assert "Programmata per" in page.content.decode()

    past = client.post(
        admin_path(f"newsletter/edition/{edition.pk}/invio/"),
        {"action": "schedule", "when": "2020-01-01T10:00"},
        follow=True,
    )
    assert "futuro" in past.content.decode()

    client.post(admin_path(f"newsletter/edition/{edition.pk}/invio/"), {"action": "send"})
    listing = client.get(admin_path("newsletter/edition/")).content.decode()
    assert '<td class="field-sent">2</td>' in listing
    assert '<td class="field-queued">0</td>' in listing


def test_subscriber_search_filters_and_csv_export(client, editor):
    topic = SectionFactory(name="Oncologia")
    alice, bob = make_subscribers(2)
    alice.topics.set([topic])
    Subscriber.objects.filter(pk=alice.pk).update(all_topics=False)

    found = client.get(admin_path("newsletter/subscriber/"), {"q": "lettore1"}).content.decode()
    assert "lettore1@example.org" in found and "lettore0@example.org" not in found
    by_topic = client.get(admin_path("newsletter/subscriber/"), {"topics__id__exact": topic.pk})
    assert "lettore0@example.org" in by_topic.content.decode()
    assert "lettore1@example.org" not in by_topic.content.decode()
    assert (
        client.get(admin_path("newsletter/subscriber/"), {"status__exact": "confirmed"}).status_code
        == 200
    )

    export = client.post(
        admin_path("newsletter/subscriber/"),
        {"action": "export_csv", "_selected_action": [alice.pk, bob.pk]},
    )
    rows = export.content.decode().splitlines()
    assert rows[0].startswith("email,stato")
    assert "lettore0@example.org,Iscritto,no,Oncologia" in rows[1]
    assert "lettore1@example.org,Iscritto,no,tutti" in rows[2]


def test_gdpr_export_and_erasure(client, editor):
    from newsletter import services

    person = services.subscriber_signup(email="persona@example.org", ip="10.9.8.7")
    services.subscriber_confirm(key=person.key)

    export = client.post(
        admin_path("newsletter/subscriber/"),
        {"action": "export_personal_data", "_selected_action": [person.pk]},
    )
    data = json.loads(export.content)
    assert data["email"] == "persona@example.org"
    assert data["consents"][0]["signup_ip"] == "10.9.8.0"

    ask = client.post(
        admin_path("newsletter/subscriber/"),
        {"action": "erase_personal_data", "_selected_action": [person.pk]},
    )
    assert "Sì, cancella i dati" in ask.content.decode()
    assert Subscriber.objects.exists()
    client.post(
        admin_path("newsletter/subscriber/"),
        {"action": "erase_personal_data", "_selected_action": [person.pk], "confirm": "yes"},
    )

    assert not Subscriber.objects.exists()
    proof = ConsentRecord.objects.get()
    assert proof.email == "" and proof.erased_at is not None
    found = client.get(admin_path("newsletter/consentrecord/"), {"q": "Persona@example.org"})
    assert proof.email_sha256[:12] in found.content.decode()


def test_admin_pages_render_and_a_sent_edition_is_read_only(client, editor):
    [subscriber] = make_subscribers(1)
    sent = Edition.objects.create(subject="Già inviata", status="sent")

    assert client.get(admin_path("newsletter/edition/add/")).status_code == 200
    page = client.get(admin_path(f"newsletter/edition/{sent.pk}/change/")).content.decode()
    assert 'name="subject"' not in page
    subscriber_page = client.get(admin_path(f"newsletter/subscriber/{subscriber.pk}/change/"))
    assert subscriber_page.status_code == 200
    assert client.get(admin_path("newsletter/delivery/")).status_code == 200
    assert client.get(admin_path("newsletter/consentrecord/")).status_code == 200


def test_the_edition_page_has_preview_test_schedule_and_send_now(client, editor):
    """Everything to send sits on the edition's own page, with correct plurals."""
    edition = Edition.objects.create(subject="Sul posto")
    make_subscribers(1)

    page = client.get(admin_path(f"newsletter/edition/{edition.pk}/change/")).content.decode()

    assert f'href="{admin_path(f"newsletter/edition/{edition.pk}/anteprima/")}"' in page
    for action in ("test", "schedule", "send"):
        assert f'name="action" value="{action}"' in page
    assert "Invia ora a 1 iscritto<" in page
    assert "js/newsletter-edition-admin.js" in page
    make_subscribers(1, prefix="altro")
    page = client.get(admin_path(f"newsletter/edition/{edition.pk}/change/")).content.decode()
    assert "Invia ora a 2 iscritti<" in page

    response = client.post(
        admin_path(f"newsletter/edition/{edition.pk}/invio/"), {"action": "send", "next": "change"}
    )

    assert response["Location"] == admin_path(f"newsletter/edition/{edition.pk}/change/")
    assert len(mail.outbox) == 2
