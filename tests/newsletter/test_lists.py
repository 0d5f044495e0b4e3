"""Several newsletters: chosen on signup and in the preferences, each with its own readers."""

import importlib

import pytest
from django.apps import apps
from django.core import mail

from newsletter import services, tokens
from newsletter.models import Edition, Newsletter, Subscriber
from tests.newsletter.conftest import make_subscribers

pytestmark = pytest.mark.django_db


def test_signup_page_offers_the_newsletters_with_the_default_ones_ticked(client, daily, farmaci):
    page = client.get("/newsletter/").content.decode()

    assert "Sanità33 Daily" in page and "Farmaci" in page
    assert f'value="{daily.pk}"' in page
    ticked = page.split(f'value="{daily.pk}"', 1)[1].split(">", 1)[0]
    assert "checked" in ticked
    assert "checked" not in page.split(f'value="{farmaci.pk}"', 1)[1].split(">", 1)[0]


def test_the_newsletters_chosen_on_signup_are_kept_and_none_means_the_default(
    client, daily, farmaci
):
    data = {"email": "farmacista@example.org", "consent": "1", "newsletters": [farmaci.pk]}
    client.post("/newsletter/", data, REMOTE_ADDR="151.38.4.20")
    # The inline form on article pages offers no choice.
    client.post(
        "/newsletter/", {"email": "lettore@example.org", "consent": "1"}, REMOTE_ADDR="151.38.4.21"
    )

    chosen = Subscriber.objects.get(email="farmacista@example.org")
    inline = Subscriber.objects.get(email="lettore@example.org")
    assert list(chosen.newsletters.all()) == [farmaci]
    assert list(inline.newsletters.all()) == [daily]


def test_preferences_switch_newsletters_and_refuse_none_without_losing_anything(
    client, daily, farmaci
):
    reader = Subscriber.objects.create(email="lettore@example.org", status="confirmed")
    reader.newsletters.set([daily])
    url = f"/newsletter/preferenze/{tokens.manage_token(reader.key)}/"

    client.post(url, {"newsletters": [farmaci.pk], "save": ""})
    assert list(reader.newsletters.all()) == [farmaci]

    response = client.post(url, {"save": ""})
    assert response.status_code == 400
    assert "Scegli almeno una newsletter" in response.content.decode()
    assert list(reader.newsletters.all()) == [farmaci]


@pytest.mark.django_db(transaction=True)
def test_an_edition_goes_only_to_the_readers_of_its_newsletter(daily, farmaci):
    both, only_daily, only_farmaci = make_subscribers(3)
    both.newsletters.set([daily, farmaci])
    only_daily.newsletters.set([daily])
    only_farmaci.newsletters.set([farmaci])
    edition = Edition.objects.create(subject="Farmaci della settimana", newsletter=farmaci)

    services.edition_send_now(edition=edition)

    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [both.email, only_farmaci.email]
    )


def test_the_migration_keeps_existing_readers_receiving_the_default_newsletter():
    Newsletter.objects.all().delete()
    readers = make_subscribers(3)
    old = Edition.objects.create(subject="Vecchia edizione")
    migration = importlib.import_module(
        "newsletter.migrations.0002_nl_ops_newsletters_bounces_stats"
    )

    migration.create_default_newsletters(apps, None)

    daily = Newsletter.objects.get(is_default=True)
    assert daily.name == "Sanità33 Daily"
    assert Newsletter.objects.filter(name="Farmaci", is_default=False).exists()
    for reader in readers:
        assert list(reader.newsletters.all()) == [daily]
    old.refresh_from_db()
    assert old.newsletter == daily
