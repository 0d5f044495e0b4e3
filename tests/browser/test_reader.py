"""A reader's journey in a real browser, at phone and desktop widths, plus
accessibility (axe-core) and HTML validity (Nu HTML checker) of every page type."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from tests.browser.conftest import vnu_errors

WIDTHS = {"telefono": 375, "desktop": 1280}


@pytest.mark.parametrize("device", WIDTHS)
def test_reader_journey(site, newsroom, page_at, screenshot, device):
    page = page_at(WIDTHS[device])
    page.goto(site.url + "/")
    assert page.title().startswith("Sanità33")
    lead_title = page.locator(".card--lead .card__title a")
    assert lead_title.inner_text() == newsroom["articles"][0].title
    screenshot(page, f"home-{device}")

    page.locator(".sections-nav").get_by_role("link", name="Farmaci", exact=True).click()
    page.wait_for_url(re.compile(r"/farmaci/$"))
    assert page.locator("h1").inner_text() == "Farmaci"
    assert page.get_by_role("navigation", name="Sottosezioni di Farmaci").is_visible()
    screenshot(page, f"section-{device}")

    page.locator(".card-list .card__title a").first.click()
    page.wait_for_selector("h1.story__title")
    assert (
        page.locator(".story__meta time")
        .first.inner_text()
        .endswith(str(timezone.localdate().year))
        or page.locator(".story__meta time").first.inner_text()
    )
    screenshot(page, f"article-{device}")

    # An interview: the person box and the highlighted quote.
    interview = newsroom["interview"]
    page.goto(site.url + interview.get_absolute_url())
    assert page.locator(".interview").get_by_role("link", name="Cristina Moretti").is_visible()
    assert "Una sola infusione" in page.locator(".pull-quote").inner_text()
    assert page.get_by_role("heading", name="Potrebbero interessarti anche").is_visible()
    screenshot(page, f"interview-{device}")

    # Search from the masthead, then page through the results.
    search = page.get_by_role("searchbox", name="Cerca nel sito")
    search.focus()
    search.fill("Regioni")
    search.press("Enter")
    page.wait_for_url(re.compile(r"/cerca/\?q=Regioni"))
    assert "articoli trovati" in page.locator(".search-count").inner_text()
    assert page.locator(".card__snippet mark").count() > 0
    screenshot(page, f"search-{device}")
    page.get_by_role("link", name="Successiva").click()
    page.wait_for_url(re.compile(r"page=2"))
    assert "pagina 2 di 2" in page.locator(".search-count").inner_text()
    page.locator(".card-list .card__title a").first.click()
    page.wait_for_selector("h1.story__title")

    # Follow a tag.
    page.locator(".tags a").first.click()
    page.wait_for_url(re.compile(r"/tag/"))
    assert page.locator(".card-list .card").count() > 0
    screenshot(page, f"tag-{device}")


def test_misspelt_search_offers_a_suggestion(site, newsroom, page_at):
    page = page_at(375)
    page.goto(site.url + "/cerca/?q=vacino")
    page.get_by_role("link", name="vaccino").click()
    page.wait_for_url(re.compile(r"q=vaccino"))
    assert page.locator(".card-list .card").count() > 0


def test_keyboard_reader_reaches_content_with_the_skip_link(site, newsroom, page_at):
    page = page_at(1280)
    page.goto(site.url + "/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenuto"


def test_no_horizontal_scroll_at_320_pixels(site, newsroom, page_at):
    page = page_at(320)
    for path in ("/", "/farmaci/", newsroom["interview"].get_absolute_url(), "/cerca/?q=Regioni"):
        page.goto(site.url + path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, path


def page_types(newsroom) -> dict[str, str]:
    article = newsroom["articles"][0]
    month = timezone.localtime(article.publish_at)
    return {
        "home": "/",
        "section": "/farmaci/",
        "section-page-2": "/farmaci/?page=1",
        "article": article.get_absolute_url(),
        "interview": newsroom["interview"].get_absolute_url(),
        "sponsored": newsroom["articles"][7].get_absolute_url(),
        "author": newsroom["authors"][0].get_absolute_url(),
        "person": newsroom["person"].get_absolute_url(),
        "tag": "/tag/vaccini/",
        "archive": f"/archivio/{month.year}/{month.month:02d}/",
        "search": "/cerca/?q=Regioni",
        "search-empty": "/cerca/?q=vacino&dal=ieri",
        "privacy": "/privacy/",
        "not-found": "/pagina-che-non-esiste/",
    }


def test_every_page_type_has_no_axe_violations(site, newsroom, page_at, axe_violations):
    """WCAG 2.1 A and AA rules, at desktop and phone widths."""
    page = page_at(1280)
    mobile = page_at(375)
    failures = {}
    for name, path in page_types(newsroom).items():
        for viewport, tab in (("desktop", page), ("telefono", mobile)):
            tab.goto(site.url + path)
            violations = axe_violations(tab)
            if violations:
                failures[f"{name} ({viewport})"] = violations
    assert failures == {}


def test_every_page_type_is_valid_html(site, newsroom, vnu_jar, tmp_path, client):
    files = []
    for name, path in page_types(newsroom).items():
        response = client.get(path)
        assert response.status_code in (200, 404), path
        target = tmp_path / f"{name}.html"
        target.write_bytes(response.content)
        files.append(target)
    errors = vnu_errors(vnu_jar, files)
    assert errors == [], [
        (e["url"].rsplit("/", 1)[-1], e.get("lastLine"), e["message"]) for e in errors
    ]
