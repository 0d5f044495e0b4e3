"""Signup under 50 concurrent requests against a live server."""

import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

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


def test_fifty_concurrent_signups_lose_and_double_nothing(live_server, settings):
    """25 addresses, each posted twice at the same time: 25 rows, 25 mails, no error."""
    settings.NEWSLETTER_SIGNUPS_PER_IP_PER_HOUR = 1000
    url = live_server.url + "/newsletter/"
    addresses = [f"contemporaneo{n}@example.org" for n in range(25)] * 2

    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(lambda email: post_signup(url, email), addresses))

    assert statuses == [200] * 50
    assert sorted(Subscriber.objects.values_list("email", flat=True)) == sorted(set(addresses))
    assert ConsentRecord.objects.count() == 25
    assert sorted(message.to[0] for message in mail.outbox) == sorted(set(addresses))
