"""Background work of the newsletter (django-tasks, queue "newsletter").

Recovery never relies on the task backend: a worker killed mid-batch leaves
its task row RUNNING forever in django-tasks-db, but its deliveries carry a
lease. Every delivery task, before ending, re-enqueues itself for the moment
the earliest unfinished delivery becomes claimable (retry time or lease
expiry), so the edition always has a live task until every delivery is
final. `manage.py resume_editions` re-starts the chain if all were lost.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from newsletter import sending, services
from newsletter.models import Edition, Subscriber

logger = logging.getLogger(__name__)


@task(queue_name="newsletter")
def send_confirmation(subscriber_id: int) -> bool:
    from newsletter.emails import confirmation_message

    subscriber = Subscriber.objects.filter(pk=subscriber_id, status="pending").first()
    if subscriber is None:
        return False
    confirmation_message(subscriber).send()
    return True


@task(queue_name="newsletter")
def start_edition(edition_id: int) -> str:
    edition = Edition.objects.get(pk=edition_id)
    if edition.status == Edition.Status.SCHEDULED and edition.scheduled_at > timezone.now():
        # Rescheduled later than this task: the later task will start it.
        return edition.status
    return services.edition_start(edition=edition).status


@task(queue_name="newsletter")
def deliver_edition(edition_id: int) -> dict:
    report = sending.deliver(edition_id=edition_id)
    if not services.edition_finish_if_done(edition_id=edition_id):
        wakeup = sending.next_wakeup(edition_id)
        backend = deliver_edition.get_backend()
        if wakeup is not None and backend.supports_defer:
            wakeup = max(wakeup, timezone.now()) + timedelta(seconds=1)
            deliver_edition.using(run_after=wakeup).enqueue(edition_id)
        elif wakeup is not None:
            logger.warning("edition %s: work left but the backend cannot defer", edition_id)
    return {
        "sent": report.sent,
        "failed": report.failed,
        "skipped": report.skipped,
        "deferred": report.deferred,
    }


@task(queue_name="newsletter")
def purge_unconfirmed() -> int:
    return services.purge_unconfirmed()
