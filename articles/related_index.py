"""The searched related-articles index held in memory, for a full rebuild.

A full rebuild scores every published article against the same index. In SQL
that is one aggregate over about 2 x 40 x 300 postings per article, which at
100,000 articles costs most of the rebuild. Here the searched postings (each
term's POSTINGS_PER_TERM heaviest at or above the minimum weight, in the
order the impact index returns them) are read once into a sparse term x
article matrix, and a batch of queries is scored by one sparse product: the
same candidates and scores as articles/related.py's SQL, at a fraction of the
cost. The matrix is built before the rebuild's workers fork, so they share it.
"""

from __future__ import annotations

from array import array

import numpy as np
from django.db import connection
from scipy import sparse

from articles.models import RelatedTerm, RelatedTermStat, RelatedTopicTerm

Vector = dict[str, float]


class SearchedIndex:
    """One row per term, holding the term's searched postings: of the articles'
    key-term vectors (RelatedTerm, the first pass) or of their topic vectors
    (RelatedTopicTerm, the ranking pass)."""

    def __init__(
        self,
        *,
        postings_per_term: int,
        min_weight: float,
        docs_key: str,
        model: type[RelatedTerm | RelatedTopicTerm] = RelatedTerm,
    ) -> None:
        # The terms another article also has: the first pass searches with these.
        self.shared: set[str] = set()
        if model is RelatedTerm:
            self.shared = set(
                RelatedTermStat.objects.filter(df__gt=1)
                .exclude(term=docs_key)
                .values_list("term", flat=True)
                .iterator(chunk_size=10_000)
            )
        self.row: dict[str, int] = {}
        rows, articles, weights = array("l"), array("l"), array("d")
        with connection.chunked_cursor() as cursor:
            # Same order as the impact index (term, weight DESC, article_id): ties
            # at the cut fall where the SQL path's LIMIT puts them.
            cursor.execute(
                f"""
                SELECT term, article_id, weight FROM (
                    SELECT term, article_id, weight, row_number() OVER (
                        PARTITION BY term ORDER BY weight DESC, article_id
                    ) AS rank
                    FROM {model._meta.db_table} WHERE weight >= %s
                ) AS ranked
                WHERE rank <= %s
                """,
                [min_weight, postings_per_term],
            )
            while chunk := cursor.fetchmany(50_000):
                for term, article_id, weight in chunk:
                    rows.append(self.row.setdefault(term, len(self.row)))
                    articles.append(article_id)
                    weights.append(weight)
        width = max(articles, default=0) + 1
        self.postings = sparse.csr_matrix(
            (
                np.frombuffer(weights, dtype=np.float64),
                (np.frombuffer(rows, dtype=np.int64), np.frombuffer(articles, dtype=np.int64)),
            ),
            shape=(len(self.row), width),
        )

    def candidates(self, queries: dict[int, Vector], limit: int) -> dict[int, list]:
        """For each article, (candidate, score) by the query's dot product, best first.

        Ordered by score, then by the higher id, as the SQL path orders them;
        the article itself is never a candidate.
        """
        order = list(queries)
        rows, columns, values = [], [], []
        for i, pk in enumerate(order):
            for term, weight in queries[pk].items():
                row = self.row.get(term)
                if row is not None:
                    rows.append(i)
                    columns.append(row)
                    values.append(weight)
        matrix = sparse.csr_matrix(
            (values, (rows, columns)), shape=(len(order), self.postings.shape[0])
        )
        scores = (matrix @ self.postings).tocsr()
        result: dict[int, list] = {}
        for i, pk in enumerate(order):
            start, end = scores.indptr[i], scores.indptr[i + 1]
            ids, values_ = scores.indices[start:end], scores.data[start:end]
            keep = ids != pk
            ids, values_ = ids[keep], values_[keep]
            if len(values_) > limit:
                # Everything scoring at least the limit-th best, ties included.
                floor = np.partition(values_, len(values_) - limit)[len(values_) - limit]
                near = values_ >= floor
                ids, values_ = ids[near], values_[near]
            best = np.lexsort((-ids, -values_))[:limit]
            result[pk] = list(zip(ids[best].tolist(), values_[best].tolist(), strict=True))
        return result
