"""The newsletter's reader pages in Chromium: the site's layout, axe and the Nu checker."""

from __future__ import annotations

import pytest
from django.test import override_settings

from newsletter import tokens
from newsletter.models import Subscriber
from tests.browser.conftest import vnu_errors
from tests.factories import SectionFactory

SIGNUP = {"email": "lettrice@example.org", "consent": "1", "page": "/"}


@pytest.fixture
def readers(transactional_db):
    SectionFactory(name="Farmaci")
    SectionFactory(name="Sanità pubblica")
    pending = Subscriber.objects.create(email="attesa@example.org")
    confirmed = Subscriber.objects.create(email="iscritta@example.org", status="confirmed")
    return {"pending": pending, "confirmed": confirmed}


EXPIRED = {"NEWSLETTER_CONFIRM_DAYS": -1}  # Every confirmation link is past its age.


def newsletter_pages(readers) -> dict[str, tuple[str, dict | None]]:
    """Every page a subscriber meets: (path, POST data or None for a GET)."""
    manage = tokens.manage_token(readers["confirmed"].key)
    confirm = tokens.confirm_token(readers["pending"].key)
    return {
        "subscribe": ("/newsletter/", None),
        "subscribe-errors": ("/newsletter/", {"email": "nome@", "page": "/"}),
        "check-your-inbox": ("/newsletter/", SIGNUP),
        "confirm": (f"/newsletter/conferma/{confirm}/", None),
        "confirmed": (
            f"/newsletter/conferma/{tokens.confirm_token(readers['confirmed'].key)}/",
            None,
        ),
        "invalid-link": ("/newsletter/conferma/non-valido/", None),
        "expired": (f"/newsletter/conferma/{confirm}/?scaduto", None),
        "new-link-sent": ("/newsletter/nuovo-link/", {"token": confirm}),
        "preferences": (f"/newsletter/preferenze/{manage}/", None),
        "preferences-saved": (f"/newsletter/preferenze/{manage}/", {"save": "1"}),
        "unsubscribe": (f"/newsletter/disiscrizione/{manage}/", None),
        "privacy": ("/newsletter/privacy/", None),
    }


def fetch(client, path: str, data: dict | None):
    with override_settings(**(EXPIRED if path.endswith("?scaduto") else {})):
        return client.post(path, data) if data is not None else client.get(path)


def load(page, client, site, path: str, data: dict | None) -> None:
    """Each page's HTML shown in Chromium under the live server's address (for its CSS)."""
    if data is None and not path.endswith("?scaduto"):
        page.goto(site.url + path)
        return
    page.goto(site.url + "/newsletter/")
    page.set_content(fetch(client, path, data).content.decode(), wait_until="load")


def test_newsletter_pages_sit_in_the_site_layout(site, readers, page_at, client, screenshot):
    """Masthead, a centred readable column with breathing room, the footer; no sideways scroll."""
    desktop, phone = page_at(1366), page_at(375)
    for name, (path, data) in newsletter_pages(readers).items():
        for width, tab in ((1366, desktop), (375, phone)):
            load(tab, client, site, path, data)
            assert tab.locator("header.masthead").is_visible(), name
            assert tab.locator("footer.site-footer").is_visible(), name
            heading = tab.locator("main h1").bounding_box()
            column = tab.locator("main .newsletter-page").bounding_box()
            overflow = tab.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, (name, width)
            assert heading["x"] >= 16, (name, width)
            if width == 1366:
                right = 1366 - column["x"] - column["width"]
                assert abs(column["x"] - right) < 40, name  # Centred, not flush left.
                assert column["width"] <= 720, name
            screenshot(tab, f"newsletter-{name}-{width}")


def test_newsletter_pages_have_no_axe_violations(site, readers, page_at, client, axe_violations):
    failures = {}
    desktop, phone = page_at(1366), page_at(375)
    for name, (path, data) in newsletter_pages(readers).items():
        for viewport, tab in (("desktop", desktop), ("telefono", phone)):
            load(tab, client, site, path, data)
            violations = axe_violations(tab)
            if violations:
                failures[f"{name} ({viewport})"] = violations
    assert failures == {}


def test_newsletter_pages_are_valid_html(site, readers, vnu_jar, tmp_path, client):
    files = []
    for name, (path, data) in newsletter_pages(readers).items():
        response = fetch(client, path, data)
        assert response.status_code in (200, 400, 410), (name, response.status_code)
        target = tmp_path / f"{name}.html"
        target.write_bytes(response.content)
        files.append(target)
    errors = vnu_errors(vnu_jar, files)
    assert errors == [], [
        (e["url"].rsplit("/", 1)[-1], e.get("lastLine"), e["message"]) for e in errors
    ]
