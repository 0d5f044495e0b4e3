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


def test_after_a_clash_the_journalist_picks_per_field_and_saves(site, page_at, screenshot):
    """Two editors on one article: the second sees both versions and keeps a mix."""
    EditorFactory(username="bruno", first_name="Bruno", last_name="Blu")
    alice = EditorFactory(first_name="Alice", last_name="Gialli")
    article = ArticleFactory(
        title="Liste d'attesa, il piano",
        standfirst="Sommario di partenza.",
        authors=[AuthorFactory(name="Bruno Blu")],
    )
    page = page_at(1366)
    log_in(page, site, "bruno")
    page.goto(site.url + reverse("admin:articles_article_change", args=[article.pk]))
    page.get_by_label("Titolo:").fill("Liste d'attesa, il piano del ministero")
    page.get_by_label("Sommario:").fill("Agende uniche regionali e più controlli.")

    theirs = Article.objects.get(pk=article.pk)
    theirs.title = "Liste d'attesa: il piano in tre punti"
    services.article_update(article=theirs, by=alice, loaded_version=theirs.version)

    page.locator("input[name=_save]").last.click()
    page.get_by_text("Alice Gialli ha salvato l'articolo dopo che lo hai aperto").wait_for()
    keep(screenshot(page, "desk-fixes-clash"), "clash")
    page.locator("input[name=clash_take_title][value=theirs]").check()
    page.get_by_role("button", name="Salva con queste scelte").click()
    page.wait_for_url(re.compile(r"/change/$"))

    article.refresh_from_db()
    assert article.title == "Liste d'attesa: il piano in tre punti"
    assert article.standfirst == "Agende uniche regionali e più controlli."
    keep(screenshot(page, "desk-fixes-article-form"), "article-form")


def test_the_medical_reviewer_finds_the_article_in_her_queue_and_signs(site, page_at, screenshot):
    """Queue → article (read-only) → «Firma la revisione medica» → the reader sees the line."""
    from django.contrib.auth.models import Group

    from articles.roles import MEDICAL_REVIEWER, ensure_newsroom_groups
    from tests.factories import UserFactory

    ensure_newsroom_groups()
    reviewer = UserFactory(username="revisora", first_name="Elena", last_name="Medici")
    reviewer.groups.add(Group.objects.get(name=MEDICAL_REVIEWER))
    article = ArticleFactory(
        draft=True,
        title="Insulina settimanale, cosa cambia",
        authors=[AuthorFactory(name="Laura Verdi")],
        medical_reviewer_author=AuthorFactory(user=reviewer, name="Dott.ssa Elena Medici"),
    )
    SourceFactory(article=article)

    page = page_at(1366)
    log_in(page, site, "revisora")
    page.goto(site.url + reverse("admin:articles_article_changelist") + "?revisione=attesa")
    page.get_by_role("link", name="Insulina settimanale, cosa cambia").click()
    page.get_by_role("button", name="Firma la revisione medica").click()
    page.get_by_text("Firma registrata: Revisione medica.").wait_for()
    keep(screenshot(page, "desk-fixes-signoff"), "signoff")
    assert page.locator("input[name=_publish]").count() == 0

    services.article_publish(article=Article.objects.get(pk=article.pk), by=EditorFactory())
    page.goto(site.url + Article.objects.get(pk=article.pk).get_absolute_url())
    assert "Revisione medica:" in page.locator(".review-note").inner_text()
    assert ", il " in page.locator(".review-note").inner_text()


def test_a_new_journalist_opens_an_article_already_signed_by_her(site, page_at, screenshot):
    """A fresh Giornalista account: the add form's byline row holds her name."""
    from tests.factories import JournalistFactory

    JournalistFactory(username="chiara", first_name="Chiara", last_name="Fontana")
    page = page_at(1366)
    log_in(page, site, "chiara")
    page.goto(site.url + reverse("admin:articles_article_add"))
    byline = page.locator("#article_authors-group")
    byline.get_by_role("textbox", name="Chiara Fontana").wait_for()
    keep(screenshot(page, "desk-fixes-add-form"), "add-form")
