"""Signup under concurrent requests against a live server."""

import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.core import mail

from newsletter.models import ConsentRecord, Subscriber

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def post_signup(url: str, email: str) -> int:
    data = urllib.parse.urlencode({"email": email, "consent": "1", "page": "/"}).encode()
    try:
        with urllib.request.urlopen(url, data=data, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_concurrent_double_signups_lose_and_double_nothing(live_server, settings):
    """25 addresses, each posted twice at the same time: 25 rows, 25 mails, no error."""
    settings.NEWSLETTER_SIGNUPS_PER_IP_PER_HOUR = 1000
    url = live_server.url + "/newsletter/"
    addresses = [f"contemporaneo{n}@example.org" for n in range(25) for _ in range(2)]
    # Both posts of an address leave together. Ten at a time: Django's live server
    # listens with a backlog of 10 (WSGIServer.request_queue_size), and 50 connects
    # at once overflowed it and were reset, which is the test server, not the site.
    together = {email: Barrier(2, timeout=30) for email in addresses}

    def post_with_twin(email: str) -> int:
        together[email].wait()
        return post_signup(url, email)

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(post_with_twin, addresses))

    assert statuses == [200] * 50
    assert sorted(Subscriber.objects.values_list("email", flat=True)) == sorted(set(addresses))
    assert ConsentRecord.objects.count() == 25
    assert sorted(message.to[0] for message in mail.outbox) == sorted(set(addresses))
