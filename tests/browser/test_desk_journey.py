"""A journalist's day on the desk, in Chromium: from the assignment to the published story,
with the medical reviewer's sign-off and an earlier revision restored."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from reversion.models import Version

from articles.models import Article
from articles.roles import MEDICAL_REVIEWER
from desk import services
from desk.models import AutosaveDraft, EditorialComment, Notification
from tests.browser.test_desk_layout import log_in
from tests.conftest import admin_path
from tests.factories import (
    AuthorFactory,
    EditorFactory,
    JournalistFactory,
    SectionFactory,
    UserFactory,
)

POLICY_MESSAGE = re.compile(r"Content.Security.Policy|Refused to", re.IGNORECASE)
BODY_TEXT = "Le Regioni del Nord anticipano la campagna: prime dosi agli over 75."
LOST_TEXT = "Questa frase è stata scritta subito prima che il browser si chiudesse."


def watch_console(page) -> list[str]:
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (m.type == "error" or POLICY_MESSAGE.search(m.text)) and problems.append(m.text),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def type_in_body(page, text: str) -> None:
    body = page.frame_locator("iframe.cke_wysiwyg_frame").locator("body")
    body.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(text)


@pytest.mark.django_db(transaction=True)
def test_a_journalists_day_on_the_desk(site, page_at, settings, screenshot):
    settings.DESK_AUTOSAVE_SECONDS = 1
    section = SectionFactory(name="Prevenzione", slug="prevenzione")
    editor = EditorFactory(username="caporedattrice", first_name="Carla", last_name="Conti")
    laura = JournalistFactory(username="laura", first_name="Laura", last_name="Verdi")
    AuthorFactory(user=laura, name="Laura Verdi", slug="laura-verdi")
    services.assignment_save(
        assignment=services.Assignment(
            title="Vaccino antinfluenzale, la campagna parte in anticipo",
            section=section,
            assignee=laura,
            due_at=timezone.now() + timedelta(hours=5),
            notes="Sentire la direzione prevenzione del ministero.",
        ),
        by=editor,
        previous_assignee_id=None,
    )

    # 1. Laura logs in and finds the assignment on her desk.
    page = page_at(1366, 900)
    problems = watch_console(page)
    log_in(page, site, "laura")
    assignments = page.locator("#incarichi")
    assignments.get_by_text("Vaccino antinfluenzale, la campagna parte in anticipo").wait_for()
    assert "Carla Conti ti ha assegnato" in page.locator("#notifiche").inner_text()
    screenshot(page, "desk-journey-1-home")
    assignments.get_by_role("button", name="Inizia a scrivere").click()
    page.wait_for_url(re.compile(r"/articles/article/\d+/change/$"))
    article = Article.objects.get()
    assert article.created_by == laura and article.status == Article.Status.DRAFT

    # 2. She writes; autosave keeps the text every second (30 s by default).
    page.locator(".cke_button__bold").first.wait_for()
    page.get_by_label("Sommario:").fill("Dosi negli ambulatori già a fine settembre.")
    type_in_body(page, BODY_TEXT)
    page.locator("#desk-autosave-status").get_by_text("Bozza salvata automaticamente").wait_for()
    type_in_body(page, " " + LOST_TEXT)
    for _attempt in range(50):
        if LOST_TEXT in unescape(AutosaveDraft.objects.get().data.get("body", "")):
            break
        page.wait_for_timeout(200)
    assert LOST_TEXT in unescape(AutosaveDraft.objects.get().data["body"])
    version = Article.objects.get().version

    # 3. The browser dies mid-edit: nothing was saved into the article itself.
    page.context.close()
    article.refresh_from_db()
    assert LOST_TEXT not in unescape(article.body) and article.version == version

    # 4. She comes back: the unsaved text is offered, restored, and sent for review.
    page = page_at(1366, 900)
    problems += watch_console(page)
    log_in(page, site, "laura")
    page.goto(site.url + admin_path(f"articles/article/{article.pk}/change/"))
    offer = page.locator("#desk-autosave-offer")
    offer.get_by_text("Hai modifiche non salvate").wait_for()
    page.locator(".cke_button__bold").first.wait_for()
    screenshot(page, "desk-journey-2-offer")
    offer.get_by_role("button", name="Ripristina il testo non salvato").click()
    assert not offer.is_visible()
    page.locator("#id_sources-0-title").fill("Circolare del ministero della Salute 2026/27")
    page.locator("#id_sources-0-url").fill("https://www.salute.gov.it/circolare-influenza")
    page.locator("#article-actionbar").get_by_role(
        "button", name="Salva e invia in revisione"
    ).click()
    page.get_by_text("Salvato e inviato in revisione ai caporedattori.").wait_for()
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    assert LOST_TEXT in unescape(article.body) and BODY_TEXT in unescape(article.body)
    assert not AutosaveDraft.objects.exists()

    # 5. The medical reviewer finds it in her queue and signs it off.
    elena = UserFactory(username="revisora", first_name="Elena", last_name="Medici")
    elena.groups.add(Group.objects.get(name=MEDICAL_REVIEWER))
    reviewer = AuthorFactory(user=elena, name="Dott.ssa Elena Medici", slug="elena-medici")
    Article.objects.filter(pk=article.pk).update(
        medical_reviewer_author=reviewer, is_health_content=True
    )
    page = page_at(1366, 900)
    problems += watch_console(page)
    log_in(page, site, "revisora")
    page.goto(site.url + admin_path("articles/article/") + "?revisione=attesa")
    page.get_by_role("link", name=article.title).click()
    page.get_by_role("button", name="Firma la revisione medica").click()
    page.get_by_text("Firma registrata: Revisione medica.").wait_for()
    assert page.locator("input[name=_publish]").count() == 0  # she cannot publish

    # 6. Carla sees it waiting on her desk, comments, and publishes.
    page = page_at(1366, 900)
    problems += watch_console(page)
    log_in(page, site, "caporedattrice")
    review = page.locator("#revisione")
    review.get_by_role("link", name=article.title).click()
    page.wait_for_url(re.compile(rf"/articles/article/{article.pk}/change/$"))
    page.locator("#desk-comment-text").fill("Ottimo. Ho solo accorciato il titolo.")
    page.get_by_role("button", name="Commenta").click()
    page.get_by_text("Commento aggiunto.").wait_for()
    thread = page.locator("#commenti")
    assert "Ottimo. Ho solo accorciato il titolo." in thread.inner_text()
    assert EditorialComment.objects.get().author == editor
    assert Notification.objects.filter(recipient=laura, kind="comment").count() == 1
    screenshot(page, "desk-journey-3-comment")
    page.locator(".cke_button__bold").first.wait_for()
    page.locator("#article-actionbar").get_by_role(
        "button", name="Salva e pubblica (o programma)"
    ).click()
    page.get_by_text("Salvato e pubblicato.").wait_for()
    article.refresh_from_db()
    assert article.is_published()

    # 7. A hasty retitle is undone from the history: the published version comes back.
    published_title = article.title
    page.locator("#id_title").fill("Titolo sbagliato da annullare")
    page.locator("#article-actionbar").get_by_role("button", name="Salva", exact=True).click()
    page.wait_for_url(re.compile(r"/articles/article/(#\w+)?$"))
    article.refresh_from_db()
    assert article.title == "Titolo sbagliato da annullare"
    earlier = Version.objects.get_for_object(article).order_by("-pk")[1]
    page.goto(site.url + admin_path(f"articles/article/{article.pk}/history/"))
    page.locator(f"a[href$='/history/{earlier.pk}/']").click()
    page.locator(".cke_button__bold").first.wait_for()
    page.locator("input[name=_save]").first.click()
    page.wait_for_url(re.compile(r"/articles/article/(#\w+)?$"))
    article.refresh_from_db()
    assert article.title == published_title and article.is_published()

    # 8. Readers see the story with its medical review, never the comment.
    page.goto(site.url + article.get_absolute_url())
    content = unescape(page.content())
    assert LOST_TEXT in content
    assert "Revisione medica:" in content and "Dott.ssa Elena Medici" in content
    assert "Ho solo accorciato il titolo" not in content
    # Laura's desk tells her about the comment.
    page = page_at(1366, 900)
    log_in(page, site, "laura")
    assert "Carla Conti ha commentato" in page.locator("#notifiche").inner_text()

    assert problems == []
