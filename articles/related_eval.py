"""Measuring related lists against corpus labels, next to a textbook baseline.

The baseline is scikit-learn's TfidfVectorizer(sublinear_tf=True) with its
defaults (lower-case, tokens of two or more word characters, no stop-words,
smoothed idf = ln((1 + n) / (1 + df)) + 1, L2 norm) over "title title
standfirst body", ranked by cosine: the method our engine must beat, computed
here in pure Python on the same corpus in the same run, so every comparison is
side by side. Meant for evaluation corpora (a few thousand articles): it holds
every vector in memory.
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter, defaultdict

from articles.models import Article

_TOKEN = re.compile(r"(?u)\b\w\w+\b")
_TAGS = re.compile(r"<[^>]*>")


def baseline_text(title: str, standfirst: str, body_html: str) -> str:
    body = html.unescape(_TAGS.sub(" ", body_html or ""))
    return f"{title} {title} {standfirst} {body}"


def tfidf_vectors(texts: dict[int, str]) -> dict[int, dict[str, float]]:
    """Sublinear-tf, smoothed-idf, L2-normalised vectors (scikit-learn's formula)."""
    counts = {pk: Counter(_TOKEN.findall(text.lower())) for pk, text in texts.items()}
    df: Counter = Counter()
    for terms in counts.values():
        df.update(terms.keys())
    n = len(counts)
    idf = {t: math.log((1 + n) / (1 + d)) + 1.0 for t, d in df.items()}
    vectors = {}
    for pk, terms in counts.items():
        v = {t: (1.0 + math.log(c)) * idf[t] for t, c in terms.items()}
        norm = math.sqrt(sum(w * w for w in v.values())) or 1.0
        vectors[pk] = {t: w / norm for t, w in v.items()}
    return vectors


def cosine_lists(vectors: dict[int, dict[str, float]], k: int) -> dict[int, list[int]]:
    """Each article's k most similar others by cosine (ties: lower id first)."""
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for pk, vector in vectors.items():
        for term, weight in vector.items():
            postings[term].append((pk, weight))
    lists = {}
    for pk, vector in vectors.items():
        scores: dict[int, float] = defaultdict(float)
        for term, weight in vector.items():
            for other, w in postings[term]:
                scores[other] += weight * w
        scores.pop(pk, None)
        lists[pk] = sorted(scores, key=lambda t: (-scores[t], t))[:k]
    return lists


def tfidf_baseline(ids: list[int], k: int) -> dict[int, list[int]]:
    """The baseline's top k for each of these articles, among these articles."""
    rows = Article.objects.filter(pk__in=ids).values_list("pk", "title", "standfirst", "body")
    texts = {pk: baseline_text(title, standfirst, body) for pk, title, standfirst, body in rows}
    return cosine_lists(tfidf_vectors(texts), k)


def precision(lists: dict[int, list[int]], labels: dict[int, str], k: int) -> float:
    """Share of the first k picks that carry the article's label (missing picks count as misses)."""
    if not labels:
        return 0.0
    hits = sum(
        sum(labels.get(t) == label for t in lists.get(pk, [])[:k]) for pk, label in labels.items()
    )
    return hits / (len(labels) * k)
