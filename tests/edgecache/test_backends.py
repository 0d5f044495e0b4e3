"""Purge backends against a local HTTP server standing in for Fastly, Cloudflare, Varnish."""

from __future__ import annotations

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from articles import services
from edgecache.purge import purge_edge, purge_tags
from tests.factories import ArticleFactory, UserFactory


class Recorder:
    """Records each request; answers with the next status of `statuses` (then 200)."""

    def __init__(self, statuses=()):
        self.calls: list[dict] = []
        self.statuses = list(statuses)
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                recorder.calls.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": json.loads(body) if body else None,
                    }
                )
                status = recorder.statuses.pop(0) if recorder.statuses else 200
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"status": "ok"}')

            do_POST = do_PURGE = do_BAN = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def recorder():
    servers = []

    def start(statuses=()):
        server = Recorder(statuses)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


@pytest.fixture(autouse=True)
def quick_retries(settings):
    settings.EDGECACHE_RETRY_DELAYS = [0.01, 0.02]


def fastly(settings, server):
    settings.EDGECACHE_BACKENDS = {
        "fastly": {
            "BACKEND": "edgecache.backends.FastlyBackend",
            "SERVICE_ID": "SU1Z0isxPaozGVKXdv0eY",
            "API_TOKEN": "fastly-token",
            "API_URL": server.url,
        }
    }


def cloudflare(settings, server):
    settings.EDGECACHE_BACKENDS = {
        "cloudflare": {
            "BACKEND": "edgecache.backends.CloudflareBackend",
            "ZONE_ID": "023e105f4ecef8ad9ca31a8372d0c353",
            "API_TOKEN": "cf-token",
            "API_URL": server.url,
        }
    }


def test_fastly_gets_surrogate_keys_in_batches_of_256(settings, recorder):
    server = recorder()
    fastly(settings, server)
    tags = [f"article-{n}" for n in range(300)]
    purge_edge.call(tags)
    assert [call["path"] for call in server.calls] == ["/service/SU1Z0isxPaozGVKXdv0eY/purge"] * 2
    assert all(call["method"] == "POST" for call in server.calls)
    assert server.calls[0]["headers"]["fastly-key"] == "fastly-token"
    assert server.calls[0]["headers"]["content-type"] == "application/json"
    sent = [call["body"]["surrogate_keys"] for call in server.calls]
    assert [len(batch) for batch in sent] == [256, 44]
    assert sorted(sent[0] + sent[1]) == sorted(tags)


def test_cloudflare_gets_cache_tags_in_batches_of_30(settings, recorder):
    server = recorder()
    cloudflare(settings, server)
    tags = [f"section-{n}" for n in range(65)]
    purge_edge.call(tags)
    assert [call["path"] for call in server.calls] == [
        "/zones/023e105f4ecef8ad9ca31a8372d0c353/purge_cache"
    ] * 3
    assert server.calls[0]["headers"]["authorization"] == "Bearer cf-token"
    assert [len(call["body"]["tags"]) for call in server.calls] == [30, 30, 5]
    assert sorted(tag for call in server.calls for tag in call["body"]["tags"]) == sorted(tags)


@pytest.mark.parametrize("backend", [fastly, cloudflare])
def test_a_5xx_is_retried_and_the_same_batch_sent_again(settings, recorder, backend):
    server = recorder(statuses=[503, 502])
    backend(settings, server)
    purge_edge.call(["article-7", "home"])
    assert len(server.calls) == 3
    assert server.calls[0]["body"] == server.calls[1]["body"] == server.calls[2]["body"]


def test_a_4xx_is_not_retried(settings, recorder, caplog):
    server = recorder(statuses=[403])
    cloudflare(settings, server)
    with caplog.at_level(logging.ERROR, logger="edgecache.purge"):
        purge_edge.call(["home"])
    assert len(server.calls) == 1
    assert "HTTP 403" in caplog.text


def test_a_failing_edge_is_logged_once_per_streak(settings, recorder, caplog):
    server = recorder(statuses=[503] * 9)
    fastly(settings, server)
    with caplog.at_level(logging.WARNING, logger="edgecache.purge"):
        purge_edge.call(["home"])  # three attempts, all 503
        purge_edge.call(["feed"])  # three more
        purge_edge.call(["sitemap"])  # and again
        assert [r.levelname for r in caplog.records] == ["ERROR"]
        purge_edge.call(["home"])  # the edge is back
        purge_edge.call(["home"])
    assert [r.levelname for r in caplog.records] == ["ERROR", "WARNING"]
    assert "purging again" in caplog.records[1].getMessage()


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_edge_never_blocks_a_save(settings, caplog):
    settings.EDGECACHE_BACKENDS = {
        "varnish": {
            "BACKEND": "edgecache.backends.VarnishBackend",
            "LOCATIONS": ["http://127.0.0.1:9"],  # nothing listens there
        }
    }
    article = ArticleFactory()
    article.title = "Titolo corretto"
    with caplog.at_level(logging.ERROR, logger="edgecache.purge"):
        services.article_update(article=article, by=UserFactory(), loaded_version=article.version)
    article.refresh_from_db()
    assert article.title == "Titolo corretto"
    assert "edge cache varnish: purge failed" in caplog.text


def test_varnish_gets_an_xkey_purge_of_every_tag_at_once(settings, recorder):
    server = recorder()
    settings.EDGECACHE_BACKENDS = {
        "varnish": {"BACKEND": "edgecache.backends.VarnishBackend", "LOCATIONS": [server.url]}
    }
    purge_edge.call(["article-7", "home", "section-3"])
    [call] = server.calls
    assert (call["method"], call["headers"]["xkey-purge"]) == ("PURGE", "article-7 home section-3")


def test_varnish_without_xkey_is_sent_a_ban_on_the_tags(settings, recorder):
    server = recorder(statuses=[501])
    settings.EDGECACHE_BACKENDS = {
        "varnish": {"BACKEND": "edgecache.backends.VarnishBackend", "LOCATIONS": [server.url]}
    }
    purge_edge.call(["article-7", "home"])
    assert [call["method"] for call in server.calls] == ["PURGE", "BAN"]
    assert server.calls[1]["headers"]["x-ban-tags"] == r"(^|\s)(article\-7|home)(\s|$)"


def test_purging_with_no_edge_configured_queues_nothing(
    settings, django_capture_on_commit_callbacks
):
    settings.EDGECACHE_BACKENDS = {}
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    purge_tags(["home"])
    assert purge_edge.get_backend().results == []
