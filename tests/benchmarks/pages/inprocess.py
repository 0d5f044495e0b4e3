"""Render time (median of N, Django test client) and queries of each page, as JSON.

Runs under the settings of the site being measured (ours or Wagtail's):
`python -m tests.benchmarks.pages.inprocess '{"home": "/"}' 200`.
"""

import json
import statistics
import sys
import time

import django

# A page slower than this (a 10,000-URL sitemap) is timed fewer times; the
# report shows how many.
MAX_SECONDS_PER_PAGE = 20


def main(urls: dict[str, str], repeat: int) -> None:
    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    results = {}
    for name, url in urls.items():
        for _ in range(5):
            client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            if response.streaming:
                b"".join(response)
        # Read now: every request clears the connection's query log.
        query_count = len(queries)
        timings = []
        budget = time.perf_counter() + MAX_SECONDS_PER_PAGE
        for _ in range(repeat):
            if timings and time.perf_counter() > budget:
                break
            started = time.perf_counter()
            response = client.get(url)
            if response.streaming:
                b"".join(response)
            timings.append((time.perf_counter() - started) * 1000)
        results[name] = {
            "status": response.status_code,
            "median_ms": statistics.median(timings),
            "renders": len(timings),
            "queries": query_count,
        }
    print(json.dumps(results))


if __name__ == "__main__":
    main(json.loads(sys.argv[1]), int(sys.argv[2]))
