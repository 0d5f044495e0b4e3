"""Compose the automatic digests that are due (run from cron every few minutes).

Each newsletter with a daily or weekly digest gets at most one edition per
slot however often this runs; see newsletter/digests.py.
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import ngettext

from newsletter.digests import compose_due_digests


class Command(BaseCommand):
    help = "Compone i riepiloghi automatici delle newsletter che sono dovuti."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Mostra cosa verrebbe composto, senza salvare."
        )

    def handle(self, *args, **options):
        with transaction.atomic():
            results = compose_due_digests()
            if options["dry_run"]:
                transaction.set_rollback(True)
        if options["verbosity"] < 1:
            return
        if not results:
            self.stdout.write("nessun riepilogo dovuto")
        for result in results:
            if result.edition is None:
                line = (
                    f"{result.newsletter}: nessun articolo nuovo per {result.slot:%Y-%m-%d %H:%M}"
                )
            else:
                edition = result.edition
                count = result.articles
                articles = ngettext("%(n)d articolo", "%(n)d articoli", count) % {"n": count}
                line = (
                    f"{result.newsletter}: «{edition.subject}», {articles}, "
                    f"{edition.get_status_display().lower()}"
                )
            self.stdout.write(line)
