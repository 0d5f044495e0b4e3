"""Restart delivery of every edition under way, and start scheduled ones that are due.

Delivery tasks keep themselves alive, so this is only needed when every
worker died at once (django-tasks-db leaves their tasks RUNNING forever).
Safe to run at any time, e.g. before starting workers: claims are leased and
a delivery already sent is never claimed again.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from newsletter.models import Edition
from newsletter.tasks import deliver_edition, start_edition


class Command(BaseCommand):
    help = "Riprende l'invio delle edizioni in corso e avvia quelle programmate scadute."

    def handle(self, *args, **options):
        sending = list(
            Edition.objects.filter(status=Edition.Status.SENDING).values_list("pk", flat=True)
        )
        due = list(
            Edition.objects.filter(
                status=Edition.Status.SCHEDULED, scheduled_at__lte=timezone.now()
            ).values_list("pk", flat=True)
        )
        for pk in sending:
            deliver_edition.enqueue(pk)
        for pk in due:
            start_edition.enqueue(pk)
        if options["verbosity"] >= 1:
            self.stdout.write(f"{len(sending)} edizioni riprese, {len(due)} avviate")
