"""Precision@k of the anchors' methods on the loaded labelled corpus, for comparison.

latest posts (Ghost), tag overlap, plain TF-IDF cosine over every word of
title+standfirst+body (no field weights, no pruning, no feedback). Pure Python,
meant for corpora of a few thousand articles.

    DATABASE_URL=... python -m tests.related_corpus.baselines -k 5
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import Counter, defaultdict


def _precision(lists: dict[int, list[int]], labels: dict[int, str], k: int) -> float:
    hits = sum(sum(labels.get(t) == labels[pk] for t in lists.get(pk, [])[:k]) for pk in labels)
    return hits / (len(labels) * k)


def baselines(k: int = 5) -> dict[str, float]:
    from django.db import connection
    from taggit.models import TaggedItem

    from articles.models import Article, ArticleLabel

    labels = dict(ArticleLabel.objects.values_list("article_id", "label"))
    published = list(
        Article.objects.published().order_by("-publish_at", "-id").values_list("id", flat=True)
    )
    labels = {pk: label for pk, label in labels.items() if pk in set(published)}
    result = {}

    latest = {pk: [t for t in published if t != pk][:k] for pk in labels}
    result["latest posts"] = _precision(latest, labels, k)

    tags = defaultdict(set)
    for object_id, tag_id in TaggedItem.objects.filter(content_type__model="article").values_list(
        "object_id", "tag_id"
    ):
        tags[object_id].add(tag_id)
    order = {pk: i for i, pk in enumerate(published)}
    by_tags = {
        pk: sorted(
            (t for t in published if t != pk and tags[pk] & tags[t]),
            key=lambda t: (-len(tags[pk] & tags[t]), order[t]),
        )[:k]
        for pk in labels
    }
    result["tag overlap"] = _precision(by_tags, labels, k)

    tf: dict[int, Counter] = defaultdict(Counter)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.id, u.lexeme, array_length(u.positions, 1) "
            "FROM articles_article a, unnest(a.search_vector) u WHERE a.id = ANY(%s)",
            [published],
        )
        for pk, lexeme, count in cursor.fetchall():
            tf[pk][lexeme] = count or 1
    df = Counter(t for terms in tf.values() for t in terms)
    n = len(tf)
    vectors = {}
    for pk, terms in tf.items():
        v = {t: (1 + math.log(c)) * math.log(n / df[t]) for t, c in terms.items()}
        norm = math.sqrt(sum(w * w for w in v.values())) or 1.0
        vectors[pk] = {t: w / norm for t, w in v.items()}
    postings = defaultdict(list)
    for pk, v in vectors.items():
        for t, w in v.items():
            postings[t].append((pk, w))
    tfidf = {}
    for pk in labels:
        scores: dict[int, float] = defaultdict(float)
        for t, w in vectors.get(pk, {}).items():
            for other, w2 in postings[t]:
                scores[other] += w * w2
        scores.pop(pk, None)
        tfidf[pk] = sorted(scores, key=scores.get, reverse=True)[:k]
    result["tf-idf cosine"] = _precision(tfidf, labels, k)
    return result


def main() -> None:
    import django

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", type=int, default=5)
    args = parser.parse_args()
    django.setup()
    for name, value in baselines(args.k).items():
        sys.stdout.write(f"{name}: precision@{args.k} {value:.3f}\n")


if __name__ == "__main__":
    main()
