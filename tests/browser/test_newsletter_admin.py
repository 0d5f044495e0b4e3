"""An editor composes and sends an edition from its own admin page, in Chromium."""

from __future__ import annotations

import re

import pytest
from csp.constants import SELF

from newsletter.models import Edition, EditionArticle
from tests.conftest import admin_path
from tests.factories import ArticleFactory, EditorFactory
from tests.newsletter.conftest import make_subscribers

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def strict_admin_policy(settings):
    """The admin's policy without 'unsafe-inline' for scripts: ours must not need it."""
    directives = dict(settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"])
    directives["script-src"] = [SELF]
    settings.CONTENT_SECURITY_POLICY_ADMIN = {"DIRECTIVES": directives}


def log_in(page, site):
    EditorFactory(username="caporedattrice", is_superuser=True)
    page.goto(site.url + admin_path())
    page.get_by_label("Nome utente").fill("caporedattrice")
    page.get_by_label("Password").fill("password-di-prova")
    page.get_by_role("button", name="Accedi").click()
    page.wait_for_url(re.compile(re.escape(admin_path()) + "$"))


def order(edition: Edition) -> list[str]:
    return [
        item.article.title for item in edition.items.select_related("article").order_by("position")
    ]


def test_pick_by_title_order_with_arrows_and_drag_then_send(
    site, page_at, screenshot, strict_admin_policy
):
    first = ArticleFactory(title="Primo: vaccini")
    second = ArticleFactory(title="Secondo: liste d'attesa")
    ArticleFactory(title="Terzo: farmaci equivalenti")
    ArticleFactory(title="Terzo ma in revisione", in_review=True)
    edition = Edition.objects.create(subject="Settimana 49")
    EditionArticle.objects.create(edition=edition, article=first, position=0)
    EditionArticle.objects.create(edition=edition, article=second, position=1)
    make_subscribers(1)
    page = page_at(1366)
    log_in(page, site)
    page.goto(site.url + admin_path(f"newsletter/edition/{edition.pk}/change/"))

    # Arrows: the second article moves up.
    page.locator("#items-1 .edition-order__up").click()
    # Title search: only the public «Terzo» is offered.
    page.locator("#items-2 .select2-selection").click()
    page.locator(".select2-search__field").fill("Terzo")
    options = page.locator(".select2-results__option:not(.loading-results)")
    options.first.wait_for()
    assert options.all_inner_texts() == ["Terzo: farmaci equivalenti"]
    options.first.click()
    # Drag: the new article goes to the top.
    page.locator("#items-2 .edition-order__handle").drag_to(page.locator("#items-1"))
    assert page.locator(".edition-send__unsaved").is_visible()  # Save before sending.
    screenshot(page, "admin-edition-ordered")
    page.get_by_role("button", name="Salva e continua le modifiche").click()
    page.wait_for_selector(".messagelist")

    assert order(edition) == [
        "Terzo: farmaci equivalenti",
        "Secondo: liste d'attesa",
        "Primo: vaccini",
    ]

    # The send panel is on the same page: send now, after confirming.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Invia ora a 1 iscritto").click()
    page.wait_for_selector(".messagelist .success")
    assert page.url.endswith(f"/newsletter/edition/{edition.pk}/change/")
    edition.refresh_from_db()
    assert edition.status == "sent"
