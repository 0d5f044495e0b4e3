"""Measure the related-articles lists against the labels of an imported corpus.

Rebuilds the index and every published article's list (the same code the
background task runs), then prints precision@k (share of the top k that carry
the source article's label), coverage and per-article compute time, next to the
TF-IDF cosine baseline (articles/related_eval.py) computed in the same run on
the same articles, so every figure is read against it. The last line is
exactly `precision@K: 0.xxx` so scripts can read it.
"""

from __future__ import annotations

import random
import statistics
import time
from collections import defaultdict

from django.core.management.base import BaseCommand, CommandError

from articles import related, related_eval
from articles.models import ArticleLabel, RelatedArticle

SAMPLE = 300


class Command(BaseCommand):
    help = "Ricalcola tutti i correlati e misura la precisione@k sulle etichette importate."

    def add_arguments(self, parser):
        parser.add_argument("-k", type=int, default=5, help="Lunghezza della lista valutata.")
        parser.add_argument(
            "--workers", type=int, default=2, help="Processi per il ricalcolo (default 2)."
        )
        parser.add_argument(
            "--without",
            action="append",
            default=[],
            choices=sorted(related.RULES),
            metavar="RULE",
            help="Misura senza questa regola (ripetibile): " + ", ".join(sorted(related.RULES)),
        )
        parser.add_argument(
            "--no-baseline",
            action="store_true",
            help="Salta il confronto TF-IDF (lento oltre qualche migliaio di articoli).",
        )

    def handle(self, *args, k: int, workers: int, without: list[str], no_baseline: bool, **options):
        if without:
            self.stdout.write(f"rules switched off: {', '.join(without)}")
        with related.rules_off(without):
            self.evaluate(k=k, workers=workers, no_baseline=no_baseline)

    def evaluate(self, *, k: int, workers: int, no_baseline: bool) -> None:
        if k < 1 or k > related.STORED_LIMIT:
            raise CommandError(f"-k deve essere tra 1 e {related.STORED_LIMIT}.")
        labels = dict(ArticleLabel.objects.values_list("article_id", "label"))
        if not labels:
            raise CommandError("Nessun articolo con etichetta: importa un corpus etichettato.")
        cutoffs = sorted({k, 3, 5} & set(range(1, related.STORED_LIMIT + 1)))
        hits = dict.fromkeys(cutoffs, 0)
        evaluated = covered = 0

        started = time.perf_counter()
        total = related.recompute_all(workers=workers)
        elapsed = time.perf_counter() - started
        lists: dict[int, list[int]] = defaultdict(list)
        for article_id, target_id in RelatedArticle.objects.order_by(
            "article_id", "position"
        ).values_list("article_id", "target_id"):
            lists[article_id].append(target_id)
        published = set(related.published_ids())
        for article_id, label in labels.items():
            if article_id not in published:
                continue
            evaluated += 1
            targets = lists.get(article_id, [])
            covered += len(targets) >= k
            for c in cutoffs:
                hits[c] += sum(labels.get(t) == label for t in targets[:c])
        if not evaluated:
            raise CommandError("Nessun articolo etichettato è pubblicato.")
        # The background task computes and stores one list at a time: time that on a sample.
        sample = random.Random(0).sample(sorted(labels), min(len(labels), SAMPLE))
        ms = []
        for article_id in sample:
            tick = time.perf_counter()
            related.save_related(article_id)
            ms.append((time.perf_counter() - tick) * 1000)
        ms.sort()
        p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
        self.stdout.write(f"articles: {total} (labelled {evaluated})")
        if not no_baseline:
            evaluated_labels = {pk: label for pk, label in labels.items() if pk in published}
            tick = time.perf_counter()
            baseline = related_eval.tfidf_baseline(sorted(published), max(cutoffs))
            seconds = time.perf_counter() - tick
            figures = " ".join(
                f"precision@{c}: {related_eval.precision(baseline, evaluated_labels, c):.3f}"
                for c in cutoffs
            )
            self.stdout.write(
                f"baseline TF-IDF cosine (title x2 + standfirst + body, sublinear tf): "
                f"{figures} ({seconds:.1f} s)"
            )
        self.stdout.write(f"coverage@{k}: {covered / evaluated:.3f}")
        self.stdout.write(
            f"compute+store ms per article p50: {statistics.median(ms):.1f} p95: {p95:.1f} "
            f"(sample of {len(ms)}); full rebuild s: {elapsed:.1f}"
        )
        for c in cutoffs:
            if c != k:
                self.stdout.write(f"precision@{c}: {hits[c] / (evaluated * c):.3f}")
        self.stdout.write(f"precision@{k}: {hits[k] / (evaluated * k):.3f}")
