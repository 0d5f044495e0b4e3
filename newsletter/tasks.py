"""Background work of the newsletter (django-tasks, queue "newsletter").

Recovery never relies on the task backend's bookkeeping (only its public
enqueue API is used): a worker killed mid-batch leaves its task row RUNNING
forever in django-tasks-db, but its deliveries carry a lease. Each delivery
task first enqueues a guard, deferred past the lease, and at the end a run at
the moment the earliest unfinished delivery becomes claimable (retry time or
lease expiry). A guard finds nothing to do unless a run died, so every lane
goes on until every delivery is final, whatever dies when; once the edition
is sent, the lane's queued tasks end without doing anything.
`manage.py resume_editions` restarts lanes if the task table itself was lost.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from newsletter import sending, services
from newsletter.models import Delivery, Edition, Subscriber

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
def deliver_edition(edition_id: int, guard: bool = False) -> dict:
    """One run of a lane: deliver what is due, then queue the lane's next wake-up.

    `guard`: the dead man's switch of an earlier run, which does anything only
    if some run died holding deliveries (a claim whose lease ran out).
    """
    if not Edition.objects.filter(pk=edition_id, status=Edition.Status.SENDING).exists():
        return {}
    expired = Delivery.objects.filter(
        edition_id=edition_id, status=Delivery.Status.CLAIMED, lease_until__lt=timezone.now()
    )
    if guard and not expired.exists():
        return {}
    # The switch exists before any mail leaves, so if this worker is killed the
    # lane goes on once the leases run out.
    lease = timedelta(seconds=settings.NEWSLETTER_LEASE_SECONDS + 1)
    deferrable = _enqueue_later(edition_id, timezone.now() + lease, guard=True)
    report = sending.deliver_parallel(edition_id=edition_id)
    finished = services.edition_finish_if_done(edition_id=edition_id)
    wakeup = None if finished or not deferrable else sending.next_wakeup(edition_id)
    if wakeup is not None:
        _enqueue_later(edition_id, wakeup + timedelta(seconds=1))
    return {
        "sent": report.sent,
        "failed": report.failed,
        "skipped": report.skipped,
        "deferred": report.deferred,
    }


def _enqueue_later(edition_id: int, when, *, guard: bool = False) -> bool:
    """Queue a run of the lane at `when`; False where the backend cannot defer
    (the immediate backend of tests: nothing can die mid-run there)."""
    if not deliver_edition.get_backend().supports_defer:
        return False
    deliver_edition.using(run_after=when).enqueue(edition_id, guard=guard)
    return True


@task(queue_name="newsletter")
def purge_unconfirmed() -> int:
    return services.purge_unconfirmed()
