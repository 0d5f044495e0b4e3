"""Recompute stored related-article lists outside the publishing flow.

`--all` rebuilds the term index and every published article's list (after an
import, or after changing TEXT_SEARCH_CONFIG); `--article ID` refreshes one
article and its closest neighbours, as publishing does in the background.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from articles import related
from articles.models import Article


class Command(BaseCommand):
    help = "Ricalcola gli articoli correlati (tutti, o uno e i suoi vicini)."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--all", action="store_true", help="Tutti gli articoli pubblicati.")
        group.add_argument("--article", type=int, metavar="ID", help="Un solo articolo.")
        parser.add_argument(
            "--workers", type=int, default=2, help="Processi per --all (default 2)."
        )

    def handle(
        self, *args, all: bool, article: int | None, workers: int, verbosity: int, **options
    ):
        started = time.perf_counter()
        if all:
            count = related.recompute_all(workers=workers)
            if verbosity:
                elapsed = time.perf_counter() - started
                self.stdout.write(f"{count} liste ricalcolate in {elapsed:.1f} s.")
            return
        if not Article.objects.filter(pk=article).exists():
            raise CommandError(f"Nessun articolo con id {article}.")
        related.refresh_related.call(article)
        if verbosity:
            self.stdout.write(f"Correlati dell'articolo {article} ricalcolati.")
