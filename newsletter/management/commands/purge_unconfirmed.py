"""Delete signups never confirmed within NEWSLETTER_PURGE_UNCONFIRMED_DAYS (30).

Data minimisation: an address nobody confirmed must not be kept. Run daily
(cron, systemd timer) or enqueue newsletter.tasks.purge_unconfirmed.
"""

from django.core.management.base import BaseCommand, CommandError

from newsletter import services


class Command(BaseCommand):
    help = "Cancella le iscrizioni mai confermate dopo N giorni (predefinito 30)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, days, dry_run, **options):
        if days is not None and days < 1:
            raise CommandError("--days deve essere almeno 1")
        count = services.purge_unconfirmed(days=days, dry_run=dry_run)
        if options["verbosity"] >= 1:
            verb = "da cancellare" if dry_run else "cancellate"
            self.stdout.write(f"{count} iscrizioni non confermate {verb}")
