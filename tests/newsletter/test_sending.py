"""Delivering editions: claims, retries, bounces, personalisation."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from newsletter import sending, services
from newsletter.models import Delivery, Edition, EditionArticle, Subscriber
from tests.factories import ArticleFactory, SectionFactory
from tests.newsletter.conftest import free_port, make_subscribers

pytestmark = pytest.mark.django_db(transaction=True)

QUEUED_TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "newsletter"],
    }
}


def start(edition: Edition, *, deliver: bool = True) -> Edition:
    """Create the deliveries; with deliver=False they wait in the task queue."""
    if deliver:
        services.edition_send_now(edition=edition)
    else:
        with override_settings(TASKS=QUEUED_TASKS):
            services.edition_start(edition=edition, force=True)
    edition.refresh_from_db()
    return edition


def test_claims_never_overlap_and_skip_rows_locked_by_another_worker(settings):
    """A row locked by one worker's claim is skipped by the next, not waited for."""
    make_subscribers(10)
    edition = start(Edition.objects.create(subject="Claim"), deliver=False)
    ids = list(edition.deliveries.order_by("id").values_list("id", flat=True))

    locked, release = threading.Event(), threading.Event()

    def hold_first_three():
        with transaction.atomic():
            list(Delivery.objects.select_for_update().filter(id__in=ids[:3]))
            locked.set()
            release.wait(10)
        connection.close()

    holder = threading.Thread(target=hold_first_three)
    holder.start()
    assert locked.wait(10)
    first = sending.claim(edition_id=edition.pk, claimer="a", limit=4)
    release.set()
    holder.join()
    second = sending.claim(edition_id=edition.pk, claimer="b", limit=100)

    assert [row[0] for row in first] == ids[3:7]
    assert {row[0] for row in second} == set(ids[:3]) | set(ids[7:])
    assert not {row[0] for row in first} & {row[0] for row in second}


def test_a_claim_whose_lease_expired_is_taken_over_and_a_live_one_is_not():
    """A dead worker's rows come back after the lease; a live worker's never do."""
    make_subscribers(4)
    edition = start(Edition.objects.create(subject="Lease"), deliver=False)
    dead = sending.claim(edition_id=edition.pk, claimer="dead", limit=2)
    live = sending.claim(edition_id=edition.pk, claimer="live", limit=2)
    Delivery.objects.filter(claimed_by="dead").update(
        lease_until=timezone.now() - timedelta(seconds=1)
    )

    taken = sending.claim(edition_id=edition.pk, claimer="rescuer", limit=10)

    assert sorted(row[0] for row in taken) == sorted(row[0] for row in dead)
    assert all(row[2] == 2 for row in taken)  # The attempt is counted.
    assert set(Delivery.objects.filter(claimed_by="live").values_list("id", flat=True)) == {
        row[0] for row in live
    }


def test_every_subscriber_receives_exactly_one_copy(smtp_settings, settings):
    settings.NEWSLETTER_BATCH_SIZE = 7
    settings.NEWSLETTER_FAN_OUT = 3
    make_subscribers(30)
    edition = start(Edition.objects.create(subject="Una copia"))

    assert sorted(smtp_settings.recipients()) == sorted(
        f"lettore{n}@example.org" for n in range(30)
    )
    assert edition.status == "sent"
    assert edition.deliveries.counts()["sent"] == 30
    assert len(set(edition.deliveries.values_list("message_id", flat=True))) == 30


def test_smtp_down_leaves_deliveries_waiting_and_they_resume_once(smtp_settings, settings):
    """With the SMTP server unreachable nothing is lost; on its return nothing is doubled."""
    make_subscribers(5)
    settings.EMAIL_PORT = free_port()  # Nobody listens there.
    edition = start(Edition.objects.create(subject="Giù"))

    assert edition.status == "sending"
    waiting = edition.deliveries.all()
    assert {d.status for d in waiting} == {"pending"}
    assert all(d.next_attempt_at > timezone.now() for d in waiting)
    assert all("Connection" in d.last_error or "refused" in d.last_error for d in waiting)

    settings.EMAIL_PORT = smtp_settings.port
    waiting.update(next_attempt_at=timezone.now())
    from newsletter.tasks import deliver_edition

    deliver_edition.enqueue(edition.pk)

    edition.refresh_from_db()
    assert edition.status == "sent"
    assert sorted(smtp_settings.recipients()) == [f"lettore{n}@example.org" for n in range(5)]


def test_hard_bounces_are_recorded_and_the_address_flagged_after_repeats(smtp_settings, settings):
    settings.NEWSLETTER_HARD_BOUNCE_LIMIT = 2
    make_subscribers(3)
    smtp_settings.refuse.add("lettore1@example.org")

    first = start(Edition.objects.create(subject="Prima"))
    bounced = Subscriber.objects.get(email="lettore1@example.org")
    failed = first.deliveries.get(subscriber=bounced)
    assert failed.status == "failed"
    assert "550" in failed.last_error
    assert (bounced.status, bounced.hard_bounces) == ("confirmed", 1)
    assert first.status == "sent"
    assert sorted(smtp_settings.recipients()) == ["lettore0@example.org", "lettore2@example.org"]

    start(Edition.objects.create(subject="Seconda"))
    bounced.refresh_from_db()
    assert (bounced.status, bounced.hard_bounces) == ("bounced", 2)

    third = start(Edition.objects.create(subject="Terza"))
    assert not third.deliveries.filter(subscriber=bounced).exists()


def test_personalised_edition_sends_each_reader_only_their_topics(settings):
    from django.core import mail

    health, policy, unused = SectionFactory(), SectionFactory(), SectionFactory()
    ward = SectionFactory(parent=health)
    in_ward = ArticleFactory(title="Reparto nuovo", section=ward)
    in_policy = ArticleFactory(title="Riforma del SSN", section=policy)
    edition = Edition.objects.create(subject="Per te", personalised=True)
    for position, article in enumerate([in_ward, in_policy]):
        EditionArticle.objects.create(edition=edition, article=article, position=position)
    follows_health, follows_policy, follows_nothing_here, follows_all = make_subscribers(
        4, all_topics=False
    )
    follows_health.topics.set([health])
    follows_policy.topics.set([policy])
    follows_nothing_here.topics.set([unused])
    Subscriber.objects.filter(pk=follows_all.pk).update(all_topics=True)

    start(edition)

    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert set(bodies) == {follows_health.email, follows_policy.email, follows_all.email}
    assert "Reparto nuovo" in bodies[follows_health.email]
    assert "Riforma del SSN" not in bodies[follows_health.email]
    assert "Riforma del SSN" in bodies[follows_policy.email]
    assert "Reparto nuovo" in bodies[follows_all.email] and "Riforma" in bodies[follows_all.email]
    skipped = edition.deliveries.get(subscriber=follows_nothing_here)
    assert skipped.status == "skipped"


def test_an_article_unpublished_after_scheduling_is_not_sent(settings):
    """The send checked it; withdrawn before the scheduled start, it is left out."""
    from django.core import mail

    kept = ArticleFactory(title="Resta")
    withdrawn = ArticleFactory(title="Ritirato dopo")
    edition = Edition.objects.create(subject="Ritiro")
    EditionArticle.objects.create(edition=edition, article=kept, position=0)
    EditionArticle.objects.create(edition=edition, article=withdrawn, position=1)
    make_subscribers(1)
    with override_settings(TASKS=QUEUED_TASKS):
        services.edition_schedule(edition=edition, when=timezone.now() + timedelta(minutes=5))
    withdrawn.status = "unpublished"
    withdrawn.save()

    services.edition_start(edition=edition, force=True)

    assert "Resta" in mail.outbox[0].body
    assert "Ritirato dopo" not in mail.outbox[0].body


def test_leaving_during_an_edition_stops_the_copy_not_yet_sent():
    make_subscribers(2)
    edition = start(Edition.objects.create(subject="In corso"), deliver=False)
    leaving = Subscriber.objects.get(email="lettore0@example.org")

    services.subscriber_unsubscribe(subscriber=leaving)
    sending.deliver(edition_id=edition.pk)

    assert edition.deliveries.get(subscriber=leaving).status == "skipped"
    assert edition.deliveries.exclude(subscriber=leaving).get().status == "sent"


def test_paused_and_unconfirmed_subscribers_get_no_delivery():
    make_subscribers(1, prefix="attivo")
    make_subscribers(1, prefix="pausa", paused=True)
    make_subscribers(1, prefix="attesa", status="pending")
    make_subscribers(1, prefix="uscito", status="unsubscribed")

    edition = start(Edition.objects.create(subject="Chi"), deliver=False)

    assert list(edition.deliveries.values_list("subscriber__email", flat=True)) == [
        "attivo0@example.org"
    ]


def test_starting_twice_creates_no_second_delivery():
    make_subscribers(3)
    edition = start(Edition.objects.create(subject="Due volte"), deliver=False)
    Edition.objects.filter(pk=edition.pk).update(status="draft")

    start(edition, deliver=False)

    assert edition.deliveries.count() == 3


def test_prefill_picks_important_published_articles_since_the_previous_edition():
    now = timezone.now()
    previous = Edition.objects.create(subject="Prima", status="sent")
    Edition.objects.filter(pk=previous.pk).update(started_at=now - timedelta(days=3))
    ArticleFactory(title="Vecchio", publish_at=now - timedelta(days=5))
    recent = ArticleFactory(title="Recente", publish_at=now - timedelta(hours=1))
    featured = ArticleFactory(
        title="In evidenza", is_featured=True, publish_at=now - timedelta(days=2)
    )
    urgent = ArticleFactory(title="Priorità", priority=90, publish_at=now - timedelta(days=2))
    ArticleFactory(title="Bozza", draft=True)
    ArticleFactory(title="Futuro", scheduled=True)
    edition = Edition.objects.create(subject="Nuova")

    assert services.edition_prefill(edition=edition) == 3

    assert [item.article for item in edition.items.order_by("position")] == [
        featured,
        urgent,
        recent,
    ]


def test_edition_intro_is_sanitised_on_save():
    edition = Edition.objects.create(
        subject="Intro", intro='<p onclick="x()">Ciao<script>alert(1)</script></p>'
    )
    assert edition.intro == "<p>Ciao</p>"


def test_scheduled_edition_waits_for_its_time(settings):
    make_subscribers(1)
    edition = Edition.objects.create(subject="Domani")
    later = timezone.now() + timedelta(hours=1)

    services.edition_schedule(edition=edition, when=later)

    edition.refresh_from_db()
    assert (edition.status, edition.scheduled_at) == ("scheduled", later)
    assert edition.deliveries.count() == 0
    Edition.objects.filter(pk=edition.pk).update(scheduled_at=timezone.now())
    from newsletter.tasks import start_edition

    start_edition.enqueue(edition.pk)
    edition.refresh_from_db()
    assert edition.status == "sent"


def test_a_temporary_refusal_retries_that_message_only(smtp_settings, settings):
    settings.NEWSLETTER_THREADS = 1
    make_subscribers(4)
    smtp_settings.on_data = lambda rcpt: (
        "451 4.7.1 Greylisted" if rcpt.startswith("lettore1@") else None
    )

    edition = start(Edition.objects.create(subject="Greylisting"))

    greylisted = edition.deliveries.get(subscriber__email="lettore1@example.org")
    assert greylisted.status == "pending"
    assert greylisted.next_attempt_at > timezone.now()
    assert "451" in greylisted.last_error
    assert edition.status == "sending"
    assert sorted(smtp_settings.recipients()) == [
        "lettore0@example.org",
        "lettore2@example.org",
        "lettore3@example.org",
    ]

    smtp_settings.on_data = None
    edition.deliveries.filter(pk=greylisted.pk).update(next_attempt_at=timezone.now())
    from newsletter.tasks import deliver_edition

    deliver_edition.enqueue(edition.pk)
    edition.refresh_from_db()
    assert edition.status == "sent"
    assert sorted(smtp_settings.recipients()) == [f"lettore{n}@example.org" for n in range(4)]


def test_fast_wire_format_is_the_same_message_as_djangos():
    """The per-variant serialised MIME with four fresh headers equals a full rebuild."""
    import email
    import email.policy

    from newsletter import tokens
    from newsletter.emails import EditionRenderer

    edition = Edition.objects.create(subject="Però è già lunedì", preheader="Novità")
    EditionArticle.objects.create(edition=edition, article=ArticleFactory(title="Così è"))
    [subscriber] = make_subscribers(1)
    renderer = EditionRenderer(edition)
    rendered = renderer.render_for(None)
    token = tokens.manage_token(subscriber.key)

    message_id, data = renderer.wire(to=subscriber.email, token=token, rendered=rendered)
    slow = renderer.message(to=subscriber.email, token=token, rendered=rendered)
    fast = email.message_from_bytes(data, policy=email.policy.default)
    full = email.message_from_bytes(
        slow.message().as_bytes(linesep="\r\n"), policy=email.policy.default
    )

    volatile = {"Date", "Message-ID"}
    assert sorted(k for k in fast.keys() if k not in volatile) == sorted(
        k for k in full.keys() if k not in volatile
    )
    for name in set(full.keys()) - volatile - {"Content-Type"}:
        # Only header folding may differ.
        assert str(fast[name]).split() == str(full[name]).split(), name
    assert fast["Message-ID"] == message_id
    assert fast["Subject"] == "Però è già lunedì"
    for kind in ("plain", "html"):
        assert fast.get_body((kind,)).get_content() == full.get_body((kind,)).get_content()
    assert token in fast.get_body(("html",)).get_content()
