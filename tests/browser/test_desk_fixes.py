"""The newsroom's fixes in a real browser: restoring from the history, the clash page."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from django.urls import reverse

from articles import services
from articles.models import Article
from tests.conftest import admin_path
from tests.factories import ArticleFactory, AuthorFactory, EditorFactory, SourceFactory

pytestmark = pytest.mark.django_db(transaction=True)

SCREENS = Path("/work/screens/desk-fixes")


def keep(path: Path, name: str) -> None:
    """A copy for the reviewers' notes, when that folder exists on this machine."""
    if SCREENS.is_dir():
        shutil.copy(path, SCREENS / f"{name}.png")


def log_in(page, site, username: str) -> None:
    page.goto(site.url + admin_path())
    page.get_by_label("Nome utente").fill(username)
    page.get_by_label("Password").fill("password-di-prova")
    page.get_by_role("button", name="Accedi").click()
    page.wait_for_url(re.compile(re.escape(admin_path()) + "$"))


def test_an_editor_restores_an_entry_written_by_a_workflow_action(site, page_at, screenshot):
    """History → «Inviato in revisione» entry → Salva: the text of that moment is back."""
    editor = EditorFactory(username="caporedattrice", first_name="Anna", last_name="Neri")
    article = ArticleFactory(
        draft=True,
        title="Vaccini, la campagna parte",
        body="<p>Il testo scritto per primo.</p>",
        authors=[AuthorFactory(name="Anna Neri")],
    )
    SourceFactory(article=article)
    services.article_submit(article=article, by=editor)
    services.article_publish(article=article, by=editor)
    article.refresh_from_db()
    article.body = "<p>Un testo riscritto in fretta.</p>"
    services.article_update(article=article, by=editor, loaded_version=article.version)

    page = page_at(1366)
    log_in(page, site, "caporedattrice")
    page.goto(site.url + reverse("admin:articles_article_history", args=[article.pk]))
    page.locator("tr", has_text="Inviato in revisione").get_by_role("link").click()
    page.get_by_text("Premi «Salva» qui sotto").wait_for()
    keep(screenshot(page, "desk-fixes-restore-entry"), "restore-entry")
    page.locator("input[name=_save]").last.click()
    page.wait_for_url(re.compile(r"/articles/article/$"))

    article.refresh_from_db()
    assert "Il testo scritto per primo." in article.body
    assert article.status == Article.Status.PUBLISHED
    page.goto(site.url + reverse("admin:articles_article_history", args=[article.pk]))
    assert page.get_by_text(re.compile("Ripristinata la versione salvata il")).count() == 1
    keep(screenshot(page, "desk-fixes-history"), "history")
