"""Purge backends: tell each edge cache which tags to drop.

Chosen in settings like Wagtail's frontendcache::

    EDGECACHE_BACKENDS = {
        "varnish": {"BACKEND": "edgecache.backends.VarnishBackend",
                    "LOCATIONS": ["http://127.0.0.1:6081"]},
    }

Each backend sends one batch of tags per HTTP request. A batch that fails with
a network error or a 5xx raises RetryablePurgeError (edgecache.purge retries it
with backoff); any other refusal raises PurgeError.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterable
from urllib.parse import urljoin

from django.conf import settings
from django.utils.module_loading import import_string

TIMEOUT = 5


class PurgeError(Exception):
    pass


class RetryablePurgeError(PurgeError):
    pass


def send(url: str, *, method: str = "POST", headers: dict, body: bytes | None = None) -> int:
    """One HTTP request; the status, or a PurgeError saying what went wrong."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        # The URL comes from settings (EDGECACHE_BACKENDS), never from a request.
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status
    except urllib.error.HTTPError as error:
        # 501: the server does not know the method (a Varnish without our VCL's xkey).
        if error.code == 429 or (error.code >= 500 and error.code != 501):
            raise RetryablePurgeError(f"{method} {url}: HTTP {error.code}") from error
        return error.code
    except (OSError, TimeoutError) as error:
        raise RetryablePurgeError(f"{method} {url}: {error}") from error


class Backend:
    batch_size = 100

    def __init__(self, name: str, options: dict):
        self.name = name
        self.options = options
        self.batch_size = options.get("BATCH_SIZE", self.batch_size)

    def purge(self, tags: list[str]) -> None:
        raise NotImplementedError


class VarnishBackend(Backend):
    """`PURGE` with an `xkey-purge` header (vmod xkey); `BAN` where xkey is missing.

    deploy/varnish/default.vcl answers both. A Varnish whose VCL has no xkey
    answers the PURGE with 501, and the backend bans on the Surrogate-Key
    header instead (slower for Varnish: each ban is checked against objects
    as they are next requested).
    """

    # Varnish refuses request headers over http_req_hdr_len (8 KB by default).
    batch_size = 200

    def purge(self, tags: list[str]) -> None:
        mode = self.options.get("MODE", "xkey")
        for location in self.options["LOCATIONS"]:
            if mode == "xkey":
                status = send(location, method="PURGE", headers={"xkey-purge": " ".join(tags)})
                if status < 400:
                    continue
                if status != 501:
                    raise PurgeError(f"PURGE {location}: HTTP {status}")
            pattern = "|".join(re.escape(tag) for tag in tags)
            headers = {"X-Ban-Tags": f"(^|\\s)({pattern})(\\s|$)"}
            status = send(location, method="BAN", headers=headers)
            if status >= 400:
                raise PurgeError(f"BAN {location}: HTTP {status}")


class FastlyBackend(Backend):
    """Fastly's surrogate-key purge: POST /service/<id>/purge, 256 keys a call."""

    batch_size = 256

    def purge(self, tags: list[str]) -> None:
        base = self.options.get("API_URL", "https://api.fastly.com/")
        url = urljoin(base, f"service/{self.options['SERVICE_ID']}/purge")
        headers = {
            "Fastly-Key": self.options["API_TOKEN"],
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        if self.options.get("SOFT_PURGE"):
            headers["Fastly-Soft-Purge"] = "1"
        body = json.dumps({"surrogate_keys": tags}).encode()
        _expect_success(url, send(url, headers=headers, body=body))


class CloudflareBackend(Backend):
    """Cloudflare's purge by cache tag: POST /zones/<id>/purge_cache, 30 tags a call."""

    batch_size = 30

    def purge(self, tags: list[str]) -> None:
        base = self.options.get("API_URL", "https://api.cloudflare.com/client/v4/")
        url = urljoin(base, f"zones/{self.options['ZONE_ID']}/purge_cache")
        headers = {
            "Authorization": f"Bearer {self.options['API_TOKEN']}",
            "Content-Type": "application/json",
        }
        body = json.dumps({"tags": tags}).encode()
        _expect_success(url, send(url, headers=headers, body=body))


class NginxBackend(Backend):
    """nginx's cache-purge module purges addresses, not tags.

    The tags that name one page (an article, a section, an author, the home,
    the feeds and sitemaps) are turned into that page's address and purged with
    `PURGE <path>` (deploy/nginx/sanita33.conf); list pages beyond the first
    carry on until their micro-cache entry expires (a second or so).
    """

    def purge(self, tags: list[str]) -> None:
        from articles.freshness import paths_for_tags

        for location in self.options["LOCATIONS"]:
            for path in paths_for_tags(tags):
                status = send(urljoin(location, path), method="PURGE", headers={})
                # 404: nothing cached under that address, which is fine.
                if status >= 400 and status != 404:
                    raise PurgeError(f"PURGE {location}{path}: HTTP {status}")


def _expect_success(url: str, status: int) -> None:
    if status >= 400:
        raise PurgeError(f"POST {url}: HTTP {status}")


def backends() -> list[Backend]:
    return [
        import_string(options["BACKEND"])(name, options)
        for name, options in settings.EDGECACHE_BACKENDS.items()
    ]


def batches(tags: Iterable[str], size: int) -> list[list[str]]:
    tags = sorted(set(tags))
    return [tags[start : start + size] for start in range(0, len(tags), size)]
