"""The article form fits the window and keeps its workflow buttons in view."""

from __future__ import annotations

import re

import pytest

from tests.conftest import admin_path
from tests.factories import ArticleFactory, EditorFactory, SectionFactory, SourceFactory

# Elements wider than the window, ignoring what is hidden on purpose (select2's
# original <select>, visually-hidden labels).
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')].filter(el => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width > 2 && box.right > width + 1 && style.visibility !== 'hidden'
      && !el.closest('.select2-hidden-accessible, .hidden, .empty-form');
  }).map(el => {
    const parent = el.parentElement;
    const right = Math.round(el.getBoundingClientRect().right);
    return `${el.tagName.toLowerCase()}.${el.className} in .${parent.className} → ${right}`;
  });
}"""


def log_in(page, site, username: str) -> None:
    page.goto(site.url + admin_path("login/"))
    page.get_by_label("Nome utente").fill(username)
    page.get_by_label("Password").fill("password-di-prova")
    page.get_by_role("button", name="Accedi").click()
    page.wait_for_url(re.compile(re.escape(admin_path()) + "$"))


@pytest.fixture
def long_article(transactional_db):
    article = ArticleFactory(
        draft=True,
        is_health_content=True,
        section=SectionFactory(name="Farmaci", slug="farmaci"),
        title="Terapie geniche, via libera europeo al primo trattamento per l'emofilia B",
    )
    for n in range(3):
        SourceFactory(
            article=article,
            title=f"Valutazione dell'Agenzia europea per i medicinali, parere n. {n} " * 3,
            url="https://www.ema.europa.eu/it/documents/assessment-report/" + "x" * 200,
            doi=f"10.1056/NEJMoa20345{n}",
        )
    return article


@pytest.mark.parametrize("width", [1280, 1366])
def test_article_form_is_no_wider_than_the_window(site, page_at, long_article, width):
    """At 1280 and 1366 px nothing on the article form overflows (Fonti spilled to 1533 px)."""
    EditorFactory(username="caporedattrice")
    page = page_at(width, 800)
    log_in(page, site, "caporedattrice")
    page.goto(site.url + admin_path(f"articles/article/{long_article.pk}/change/"))
    page.locator(".cke_button__bold").first.wait_for()

    assert page.evaluate("document.documentElement.scrollWidth") == width
    assert page.evaluate(OVERFLOWING) == []


def test_workflow_buttons_stay_visible_while_scrolling(site, page_at, long_article):
    """«Salva» and «Salva e pubblica» are in view on load and after scrolling to the sources."""
    EditorFactory(username="caporedattrice")
    page = page_at(1366, 768)
    log_in(page, site, "caporedattrice")
    page.goto(site.url + admin_path(f"articles/article/{long_article.pk}/change/"))
    page.locator(".cke_button__bold").first.wait_for()
    bar = page.locator("#article-actionbar")
    publish = bar.get_by_role("button", name="Salva e pubblica (o programma)")
    save = bar.get_by_role("button", name="Salva", exact=True)

    def in_view(locator) -> bool:
        box = locator.bounding_box()
        return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 768

    assert in_view(publish) and in_view(save)
    page.locator("#sources-group").scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 1000
    assert in_view(publish) and in_view(save)
    # The first submit button of the form is «Salva»: Enter in a field never publishes.
    first = page.locator("#article_form input[type=submit]").first
    assert first.get_attribute("name") == "_save"


def test_desk_pages_fit_a_1280_px_window(site, page_at, long_article):
    """The desk home and both calendar views: nothing wider than the window."""
    from datetime import timedelta

    from django.utils import timezone

    from tests.desk.factories import AssignmentFactory

    editor = EditorFactory(username="caporedattrice")
    for day in range(6):
        AssignmentFactory(
            title="Un titolo di lavoro molto lungo sulle liste d'attesa nelle regioni " * 2,
            section=long_article.section,
            assignee=editor,
            due_at=timezone.now() + timedelta(days=day),
        )
    page = page_at(1280, 800)
    log_in(page, site, "caporedattrice")
    for path in ["", "scrivania/calendario/", "scrivania/calendario/?vista=mese"]:
        page.goto(site.url + admin_path(path))
        assert page.evaluate("document.documentElement.scrollWidth") == 1280, path
        assert page.evaluate(OVERFLOWING) == [], path
