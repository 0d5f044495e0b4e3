"""Background work of the newsletter (django-tasks, queue "newsletter").

Recovery never relies on the task backend's bookkeeping: a worker killed
mid-batch leaves its task row RUNNING forever in django-tasks-db, but its
deliveries carry a lease. Each delivery task first enqueues its own
successor, deferred past the lease, and at the end brings it forward to the
moment the earliest unfinished delivery becomes claimable (retry time or
lease expiry). So every lane of an edition always has one queued task until
every delivery is final, whatever dies when. `manage.py resume_editions`
restarts lanes if the task table itself was lost.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
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
    if not Edition.objects.filter(pk=edition_id, status=Edition.Status.SENDING).exists():
        return {}
    # Dead man's switch: the successor exists before any mail leaves, so if this
    # worker is killed the lane goes on once the leases run out.
    successor = _enqueue_successor(edition_id)
    report = sending.deliver_parallel(edition_id=edition_id)
    finished = services.edition_finish_if_done(edition_id=edition_id)
    if finished:
        _retire_lanes(edition_id)
    elif successor is not None:
        wakeup = sending.next_wakeup(edition_id)
        if wakeup is not None:
            _bring_forward(successor.id, wakeup + timedelta(seconds=1))
    return {
        "sent": report.sent,
        "failed": report.failed,
        "skipped": report.skipped,
        "deferred": report.deferred,
    }


def _enqueue_successor(edition_id: int):
    if not deliver_edition.get_backend().supports_defer:
        return None  # Immediate backend in tests: nothing can die mid-run.
    later = timezone.now() + timedelta(seconds=settings.NEWSLETTER_LEASE_SECONDS + 1)
    return deliver_edition.using(run_after=later).enqueue(edition_id)


def _retire_lanes(edition_id: int) -> None:
    """Every delivery is final: the lanes' queued successors have nothing left to do."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if isinstance(deliver_edition.get_backend(), DatabaseBackend):
        DBTaskResult.objects.filter(
            task_path=deliver_edition.module_path,
            status="READY",
            args_kwargs__args=[edition_id],
        ).delete()


def _bring_forward(result_id: str, when) -> None:
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if isinstance(deliver_edition.get_backend(), DatabaseBackend):
        DBTaskResult.objects.filter(id=result_id, status="READY", run_after__gt=when).update(
            run_after=when
        )


@task(queue_name="newsletter")
def purge_unconfirmed() -> int:
    return services.purge_unconfirmed()
