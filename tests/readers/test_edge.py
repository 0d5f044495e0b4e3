"""A reserved article through Varnish with the repository's VCL: the page is the
edge's cached public variant for everyone; a verified reader's view costs one
origin request, the private body fragment, which the edge never keeps."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from articles.models import Article
from tests.edgecache.test_varnish import edge, get, origin_requests  # noqa: F401 (fixture)
from tests.factories import ArticleFactory, ProfessionalProfileFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SECRET = "Posologia riservata di Zentrolix"


def cookie_of(user, *, reader_marker: bool) -> str:
    client = Client()
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    return cookie + ("; s33_lettore=1" if reader_marker else "")


def test_verified_reader_costs_one_origin_request_and_the_body_is_never_cached(edge):  # noqa: F811
    base, access_log = edge
    article = ArticleFactory(
        body=f"<p>{SECRET}.</p>", audience=Article.Audience.PROFESSIONALS, related_enabled=False
    )
    url = article.get_absolute_url()
    # Anonymous readers: the page and its gate fragment are both kept by the edge.
    status, headers, body = get(base, url)
    assert status == 200 and "Zentrolix" not in body
    assert "Contenuto riservato" in body and "esi:include" not in body
    seen = origin_requests(access_log)
    status, headers, body = get(base, url)
    assert headers["X-Cache"] == "HIT" and "Contenuto riservato" in body
    assert origin_requests(access_log) == seen

    verified = ProfessionalProfileFactory(verified=True)
    cookie = cookie_of(verified.user, reader_marker=True)
    for _ in range(3):
        seen = origin_requests(access_log)
        status, headers, body = get(base, url, cookie=cookie)
        assert status == 200
        assert SECRET in body  # filled in by the edge from the private fragment
        assert origin_requests(access_log) == seen + 1  # the fragment only
        lines = [line for line in access_log.read_text().splitlines() if "/healthz" not in line]
        assert f"/account/profilo/riservato/{article.pk}/" in lines[-1]

    # The body never entered the cache: anonymous readers still get the gate.
    status, headers, body = get(base, url)
    assert "Zentrolix" not in body and "Contenuto riservato" in body
    # A declared, not yet verified reader gets the gate from their own fragment.
    declared = ProfessionalProfileFactory()
    status, _, body = get(base, url, cookie=cookie_of(declared.user, reader_marker=True))
    assert "Zentrolix" not in body and "Vai al tuo profilo" in body


def test_marker_without_a_reader_session_opens_nothing(edge):  # noqa: F811
    base, _ = edge
    article = ArticleFactory(
        body=f"<p>{SECRET}.</p>", audience=Article.Audience.PROFESSIONALS, related_enabled=False
    )
    status, _, body = get(
        base, article.get_absolute_url(), cookie="sessionid=forged; s33_lettore=1"
    )
    assert status == 200 and "Zentrolix" not in body
