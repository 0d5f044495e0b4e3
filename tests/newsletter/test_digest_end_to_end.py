"""A day of the newsletter with a real db_worker and SMTP server.

The daily digest composes itself, an editor approves it in the admin, the
worker sends it; one address hard-bounces, the DSN is fed back and that
address gets nothing from the next edition; a click is counted once and
lands on the article; the subject's apostrophe arrives as written.
"""

import io
import re
import sys
from datetime import timedelta
from email.header import decode_header, make_header

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from newsletter import digests
from newsletter.models import Bounce, Delivery, Edition, EditionArticle, Newsletter, Subscriber
from tests.conftest import admin_path
from tests.factories import ArticleFactory, SectionFactory, UserFactory
from tests.newsletter.conftest import make_subscribers
from tests.newsletter.dsn import dsn
from tests.newsletter.test_worker_kill import DB_TASKS, start_worker, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CHILD_SECRET = "test-secret-key-for-child-processes"


def subject_of(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def test_daily_digest_composed_approved_sent_bounce_suppressed_click_counted(
    settings, child_env, smtp_sink, client, daily
):
    settings.TASKS = DB_TASKS
    # The worker signs bounce tags with its key; this process must read them.
    settings.SECRET_KEY = CHILD_SECRET
    settings.NEWSLETTER_BOUNCE_ADDRESS = "bounces@sanita33.it"
    env = {
        **child_env,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_sink.port),
        "EMAIL_TIMEOUT": "5",
        "NEWSLETTER_BOUNCE_ADDRESS": "bounces@sanita33.it",
        "SITE_URL": "https://www.sanita33.it",
    }
    Newsletter.objects.exclude(pk=daily.pk).update(is_active=False)
    daily.subject_prefix = "L'essenziale di Sanità33"
    slot = digests.latest_slot(daily, timezone.now())
    daily.last_digest_slot = slot - timedelta(days=1)
    daily.save()
    health, policy = SectionFactory(name="Salute"), SectionFactory(name="Politica")
    vaccines = ArticleFactory(
        title="Vaccini: l'anticipo della campagna",
        section=health,
        publish_at=slot - timedelta(hours=3),
        priority=5,
    )
    ArticleFactory(
        title="Liste d'attesa, il piano", section=policy, publish_at=slot - timedelta(hours=2)
    )
    ArticleFactory(title="Di due giorni fa", publish_at=slot - timedelta(days=2))
    readers = make_subscribers(3)
    doomed, health_reader, everything = readers
    health_reader.all_topics = False
    health_reader.save()
    health_reader.topics.set([health])
    for reader in readers:
        reader.newsletters.set([daily])

    call_command("compose_digests", verbosity=0)
    digest = Edition.objects.get(newsletter=daily)
    assert digest.status == Edition.Status.AWAITING_APPROVAL
    assert [item.article.title for item in digest.items.all()] == [
        "Vaccini: l'anticipo della campagna",
        "Liste d'attesa, il piano",
    ]

    worker = start_worker(env)
    try:
        # Nothing leaves before an editor approves it.
        assert not wait_until(lambda: smtp_sink.messages, 2)
        editor = Client()
        editor.force_login(UserFactory(is_superuser=True, is_staff=True))
        editor.post(
            admin_path("newsletter/edition/"),
            {"action": "approve_digests", "_selected_action": [digest.pk]},
        )
        assert wait_until(lambda: Edition.objects.get(pk=digest.pk).status == "sent", 60), (
            worker.stderr
        )
        assert smtp_sink.wait_for(3)

        subjects = {subject_of(message) for message in smtp_sink.messages}
        day = digests.digest_subject(daily, slot).split(" — ")[1]
        assert subjects == {f"L'essenziale di Sanità33 — {day}"}
        assert all(b"&#x27;" not in raw and b"&#39;" not in raw for raw in smtp_sink.raw)
        bodies = {
            str(message["To"]): message.get_body(("plain",)).get_content()
            for message in smtp_sink.messages
        }
        assert "Liste d'attesa" not in bodies[health_reader.email]
        assert "Liste d'attesa" in bodies[everything.email]

        # The receiving server accepted the message for `doomed`, then bounced it.
        index = smtp_sink.recipients().index(doomed.email)
        verp = smtp_sink.envelope_senders[index]
        delivery = Delivery.objects.get(edition=digest, subscriber=doomed)
        report = dsn(to=verp, recipient=doomed.email, message_id=delivery.message_id)
        sys_stdin = sys.stdin
        sys.stdin = io.TextIOWrapper(io.BytesIO(report))
        try:
            call_command("ingest_bounces", "--recipient", verp, verbosity=0)
        finally:
            sys.stdin = sys_stdin
        doomed.refresh_from_db()
        assert doomed.status == Subscriber.Status.BOUNCED
        assert Bounce.objects.get().suppressed is True

        # A reader clicks the first article.
        link = re.search(r"https://www\.sanita33\.it(/newsletter/l/\S+/)", bodies[everything.email])
        response = Client().get(link.group(1))
        assert response.status_code == 302
        assert response["Location"] == vaccines.get_absolute_url()
        assert Client().get(response["Location"]).status_code == 200
        clicks = dict(
            EditionArticle.objects.filter(edition=digest).values_list("article", "clicks")
        )
        assert sorted(clicks.values()) == [0, 1]
        assert clicks[vaccines.pk] == 1

        # The next edition of the same newsletter skips the bounced address.
        following = Edition.objects.create(
            newsletter=daily, subject="Edizione speciale: l'influenza"
        )
        EditionArticle.objects.create(edition=following, article=vaccines)
        editor.post(admin_path(f"newsletter/edition/{following.pk}/invio/"), {"action": "send"})
        assert wait_until(lambda: Edition.objects.get(pk=following.pk).status == "sent", 60)
        assert smtp_sink.wait_for(5)
    finally:
        worker.terminate()
        worker.wait(10)

    second = [str(m["To"]) for m in smtp_sink.messages if "influenza" in subject_of(m)]
    assert sorted(second) == sorted([health_reader.email, everything.email])
    assert "Edizione speciale: l'influenza" in {subject_of(m) for m in smtp_sink.messages}
    assert not Delivery.objects.filter(edition=following, subscriber=doomed).exists()
    assert len(smtp_sink.messages) == 5
