"""Automatic digests: composed once per slot from what was published since the last one."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from newsletter import digests, services
from newsletter.models import Edition, Newsletter
from tests.factories import ArticleFactory, SectionFactory
from tests.newsletter.conftest import make_subscribers

pytestmark = pytest.mark.django_db

ROME = ZoneInfo("Europe/Rome")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=ROME)


def test_daily_and_weekly_slots_are_the_last_due_moment_in_local_time():
    daily = Newsletter(cadence="daily", send_time=datetime(2000, 1, 1, 7).time())
    weekly = Newsletter(cadence="weekly", weekday=0, send_time=datetime(2000, 1, 1, 8).time())
    manual = Newsletter(cadence="manual")

    assert digests.latest_slot(daily, at(2, 6, 59)) == at(1, 7)
    assert digests.latest_slot(daily, at(2, 7)) == at(2, 7)
    # 2 December 2026 is a Wednesday; the Monday before is 30 November.
    assert digests.latest_slot(weekly, at(2, 12)) == datetime(2026, 11, 30, 8, tzinfo=ROME)
    assert digests.latest_slot(manual, at(2, 12)) is None


def test_a_digest_takes_what_was_published_since_the_previous_one_and_is_composed_once(daily):
    daily.last_digest_slot = at(1, 7)
    daily.save()
    old = ArticleFactory(title="Di ieri mattina", publish_at=at(1, 6))
    new = ArticleFactory(title="Pubblicato ieri sera", publish_at=at(1, 20))
    ArticleFactory(title="Ancora in revisione", in_review=True)
    ArticleFactory(title="Di stamattina dopo le 7", publish_at=at(2, 7, 30))

    first = digests.digest_compose(newsletter=daily, now=at(2, 7, 5))
    again = digests.digest_compose(newsletter=daily, now=at(2, 7, 6))

    assert again is None
    edition = first.edition
    assert [item.article for item in edition.items.all()] == [new]
    assert old not in edition.articles.all()
    assert edition.newsletter == daily
    assert edition.subject == "Sanità33 Daily — 2 dicembre 2026"
    assert edition.personalised is True
    assert edition.status == Edition.Status.AWAITING_APPROVAL
    assert (edition.covers_from, edition.covers_until) == (at(1, 7), at(2, 7))
    daily.refresh_from_db()
    assert daily.last_digest_slot == at(2, 7)


def test_a_slot_with_nothing_new_makes_no_edition_but_moves_on(daily):
    daily.last_digest_slot = at(1, 7)
    daily.save()

    result = digests.digest_compose(newsletter=daily, now=at(2, 9))

    assert result.edition is None
    assert not Edition.objects.exists()
    daily.refresh_from_db()
    assert daily.last_digest_slot == at(2, 7)


def test_a_newsletter_limited_to_sections_takes_only_their_articles(farmaci):
    drugs = SectionFactory(name="Farmaci", slug="farmaci")
    shortages = SectionFactory(name="Carenze", slug="carenze", parent=drugs)
    farmaci.sections.set([drugs])
    farmaci.last_digest_slot = datetime(2026, 11, 30, 8, tzinfo=ROME)
    farmaci.save()
    in_section = ArticleFactory(section=drugs, publish_at=at(1, 10), priority=1)
    in_child = ArticleFactory(section=shortages, publish_at=at(1, 11))
    ArticleFactory(publish_at=at(1, 12))  # Another section.

    result = digests.digest_compose(newsletter=farmaci, now=at(7, 9))

    assert set(result.edition.articles.all()) == {in_section, in_child}
    assert result.edition.subject == "Farmaci — la settimana fino al 7 dicembre 2026"


@pytest.mark.django_db(transaction=True)
def test_an_automatic_digest_goes_out_by_itself_per_subscriber_topics(farmaci):
    """No approval needed: scheduled at once; readers get only their topics."""
    slot = digests.latest_slot(farmaci, timezone.now())
    health, policy = SectionFactory(name="Salute"), SectionFactory(name="Politica")
    ArticleFactory(title="Sulla salute", section=health, publish_at=slot - timedelta(hours=2))
    ArticleFactory(title="Sulla politica", section=policy, publish_at=slot - timedelta(hours=1))
    farmaci.last_digest_slot = slot - timedelta(days=7)
    farmaci.save()
    everything, health_only = make_subscribers(2)
    health_only.all_topics = False
    health_only.save()
    health_only.topics.set([health])
    for reader in (everything, health_only):
        reader.newsletters.set([farmaci])

    result = digests.digest_compose(newsletter=farmaci)

    result.edition.refresh_from_db()
    assert result.edition.status == Edition.Status.SENT
    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert "Sulla politica" in bodies[everything.email]
    assert "Sulla salute" in bodies[health_only.email]
    assert "Sulla politica" not in bodies[health_only.email]


@pytest.mark.django_db(transaction=True)
def test_a_digest_waiting_for_approval_sends_nothing_until_approved(daily):
    ArticleFactory(title="Notizia del giorno", publish_at=at(1, 10))
    daily.last_digest_slot = at(1, 7)
    daily.save()
    reader = make_subscribers(1)[0]
    reader.newsletters.set([daily])

    result = digests.digest_compose(newsletter=daily, now=at(2, 8))
    services.edition_start(edition=result.edition)  # A stray start does nothing.
    assert mail.outbox == []

    services.edition_approve(edition=result.edition)

    assert [message.to for message in mail.outbox] == [[reader.email]]
    with pytest.raises(services.EditionStateError):
        services.edition_approve(edition=result.edition)


def test_the_command_composes_every_due_digest_and_dry_run_saves_nothing(daily, capsys):
    Newsletter.objects.exclude(pk=daily.pk).update(is_active=False)
    slot = digests.latest_slot(daily, timezone.now())
    daily.last_digest_slot = slot - timedelta(days=1)
    daily.save()
    ArticleFactory(title="Uscito prima del riepilogo", publish_at=slot - timedelta(hours=1))

    call_command("compose_digests", "--dry-run")
    assert not Edition.objects.exists()
    assert "1 articolo" in capsys.readouterr().out

    call_command("compose_digests")
    assert Edition.objects.get().newsletter == daily
    call_command("compose_digests")
    assert Edition.objects.count() == 1
    assert "nessun riepilogo dovuto" in capsys.readouterr().out


def test_the_edition_page_of_a_digest_asks_for_approval(client, daily):
    from tests.conftest import admin_path
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    digest = Edition.objects.create(newsletter=daily, subject="Da approvare", status="approval")
    draft = Edition.objects.create(newsletter=daily, subject="Bozza")

    asked = client.get(admin_path(f"newsletter/edition/{digest.pk}/change/")).content.decode()
    plain = client.get(admin_path(f"newsletter/edition/{draft.pk}/change/")).content.decode()

    assert "Riepilogo automatico da approvare" in asked
    assert f"/newsletter/edition/{digest.pk}/invio/" in asked
    assert "Riepilogo automatico da approvare" not in plain
