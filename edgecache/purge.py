"""Purging tags: the origin cache at once, the edge caches in a background task.

`purge_tags(tags)` is what articles.freshness calls once a write has committed.
The origin cache's purge is one cache write, done on the spot. The edge
backends are told by the `purge_edge` task, so a save never waits on a CDN:
each backend gets the tags in batches, and a batch that fails for a reason
that may pass (network, 5xx, 429) is retried with growing pauses. A backend
that keeps failing is logged once when it starts and once when it recovers,
not on every purge (the state is in the shared cache, so every worker agrees);
what it failed to purge expires with s-maxage.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django_tasks import task

from edgecache import origin
from edgecache.backends import Backend, PurgeError, RetryablePurgeError, backends, batches

logger = logging.getLogger(__name__)

FAILING_PREFIX = "edgecache:failing:"


def purge_tags(tags: list[str]) -> None:
    """Drop every page carrying one of `tags`, here now and at the edge soon."""
    tags = sorted(set(tags))
    if not tags:
        return
    origin.purge(tags)
    if settings.EDGECACHE_BACKENDS:
        try:
            purge_edge.enqueue(tags)
        except Exception:
            # The save has committed; a purge that cannot be queued expires with s-maxage.
            logger.exception("edge cache purge not queued for %d tags", len(tags))


@task()
def purge_edge(tags: list[str]) -> None:
    for backend in backends():
        try:
            for batch in batches(tags, backend.batch_size):
                _purge_with_retries(backend, batch)
        except PurgeError as error:
            _failed(backend, error)
        else:
            _succeeded(backend)


def _purge_with_retries(backend: Backend, batch: list[str]) -> None:
    delays = settings.EDGECACHE_RETRY_DELAYS
    for attempt in range(len(delays) + 1):
        try:
            backend.purge(batch)
            return
        except RetryablePurgeError:
            if attempt == len(delays):
                raise
            time.sleep(delays[attempt])


def _failed(backend: Backend, error: PurgeError) -> None:
    if cache.add(FAILING_PREFIX + backend.name, time.time(), None):
        logger.error(
            "edge cache %s: purge failed (%s); pages expire with s-maxage until it recovers",
            backend.name,
            error,
        )


def _succeeded(backend: Backend) -> None:
    if cache.delete(FAILING_PREFIX + backend.name):
        logger.warning("edge cache %s: purging again", backend.name)
