"""Content-Security-Policy in Chromium: readers' pages load everything they need with
no violation and run no injected script; the admin's editor works under its own policy."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from PIL import Image

from tests.browser.test_reader import page_types
from tests.conftest import admin_path
from tests.factories import EditorFactory, SectionFactory

# Chromium reports every blocked load or script, and every header it cannot
# parse, as a console message naming the policy.
POLICY_MESSAGE = re.compile(r"Content Security Policy|Permissions-Policy|Permissions Policy")


def watch_policy_messages(page) -> list[str]:
    messages: list[str] = []
    page.on(
        "console",
        lambda message: POLICY_MESSAGE.search(message.text) and messages.append(message.text),
    )
    return messages


def test_reader_pages_load_with_no_policy_violation(site, newsroom, page_at, settings):
    """Every page type, the 500 page included: styles, fonts, images, JSON-LD, no complaint."""
    settings.ROOT_URLCONF = "tests.browser.urls_security"
    page = page_at(1280)
    messages = watch_policy_messages(page)
    paths = {**page_types(newsroom), "server-error": "/prova-errore/"}
    for name, path in paths.items():
        response = page.goto(site.url + path)
        assert "script-src 'none'" in response.headers["content-security-policy"], name
        # Lazy images below the fold load only when asked to; load them all.
        page.evaluate(
            "async () => { for (const img of document.images) { img.loading = 'eager'; }"
            " await Promise.all([...document.images].map(i => i.complete ? null :"
            " new Promise(r => { i.onload = i.onerror = r; }))); await document.fonts.ready; }"
        )
        broken = page.evaluate("[...document.images].filter(i => !i.naturalWidth).map(i => i.src)")
        assert broken == [], name
    assert messages == []

    # The things the policy could have broken did arrive.
    page.goto(site.url + newsroom["articles"][0].get_absolute_url())
    assert page.locator('script[type="application/ld+json"]').count() == 2
    assert page.evaluate("document.fonts.check('700 1em \"Source Serif 4\"')")
    assert page.evaluate("document.images.length") > 0
    page.goto(site.url + "/prova-errore/")
    assert page.locator("h1").inner_text() == "Si è verificato un errore"
    assert "Georgia" in page.locator("h1").evaluate("h => getComputedStyle(h).fontFamily")


def inject_into_page(page, url: str, markup: str) -> None:
    """Add markup to the page at url as it arrives, as if an attacker had stored it."""

    def add(route):
        response = route.fetch()
        body = response.text().replace("</head>", markup + "</head>", 1)
        route.fulfill(response=response, body=body)

    page.route(url, add)


def test_script_injected_into_a_reader_page_does_not_run(site, newsroom, page_at):
    """An inline script and an event handler in the markup: both blocked, both reported."""
    page = page_at(375)
    messages = watch_policy_messages(page)
    url = site.url + newsroom["articles"][0].get_absolute_url()
    inject_into_page(
        page,
        url,
        "<script>document.documentElement.dataset.script = 'ran'</script>"
        "<img src=/immagine-inesistente.png alt=''"
        " onerror=\"document.documentElement.dataset.handler = 'ran'\">",
    )
    page.goto(url)
    page.wait_for_load_state("load")
    page.unroute_all(behavior="wait")
    assert page.evaluate("Object.keys(document.documentElement.dataset)") == []
    assert len(messages) == 2 and all("script-src 'none'" in m for m in messages), messages


@pytest.mark.django_db(transaction=True)
def test_the_editor_works_in_the_admin_with_no_policy_violation(site, page_at, tmp_path):
    """Log in, write with the toolbar, upload an image through the dialog: no violation."""
    SectionFactory(name="Farmaci", slug="farmaci")
    EditorFactory(username="caporedattrice")
    page = page_at(1280)
    messages = watch_policy_messages(page)

    response = page.goto(site.url + admin_path())
    assert "'unsafe-eval'" not in response.headers["content-security-policy"]
    page.get_by_label("Nome utente").fill("caporedattrice")
    page.get_by_label("Password").fill("password-di-prova")
    page.get_by_role("button", name="Accedi").click()
    page.wait_for_url(re.compile(re.escape(admin_path()) + "$"))

    page.goto(site.url + admin_path("articles/article/add/"))
    page.locator(".cke_button__bold").first.wait_for()
    body = page.frame_locator("iframe.cke_wysiwyg_frame").locator("body")
    body.click()
    page.keyboard.type("Il piano vaccinale ")
    page.locator(".cke_button__bold").first.click()
    page.keyboard.type("è pronto")
    assert body.locator("strong").inner_text().strip("\u200b") == "è pronto"

    page.locator(".cke_button__image").first.click()
    dialog = page.locator(".cke_dialog")
    dialog.locator(".cke_dialog_tab", has_text="Carica").click()
    photo = tmp_path / "foto.jpg"
    buffer = BytesIO()
    Image.new("RGB", (64, 48), (30, 110, 120)).save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())
    dialog.frame_locator("iframe.cke_dialog_ui_input_file").locator(
        "input[type=file]"
    ).set_input_files(str(photo))
    dialog.locator("a.cke_dialog_ui_fileButton").click()
    # The upload answer fills the address field of the dialog's first tab.
    url_field = dialog.locator("input.cke_dialog_ui_input_text").first
    page.wait_for_function(
        "el => el.value.startsWith('/media/uploads/')", arg=url_field.element_handle()
    )
    dialog.locator("input.cke_dialog_ui_input_text").nth(1).fill("Una foto di prova")
    dialog.get_by_role("button", name="OK").click()
    image = body.get_by_role("img", name="Una foto di prova")
    image.wait_for()
    # The image is in the document before its bytes arrive: wait for it to load (or fail).
    width = image.evaluate(
        "i => i.complete ? i.naturalWidth : new Promise(r => {"
        " i.onload = i.onerror = () => r(i.naturalWidth); })"
    )
    assert width == 64

    # The dialog's «Sfoglia server» window lists the upload.
    page.goto(site.url + "/ckeditor/browse/")
    page.locator("img[src*='/media/uploads/']").first.wait_for()
    assert messages == []
    page.goto(site.url + admin_path("articles/article/add/"))

    # Eval stays forbidden even here: a script of the page's own asking for it fails.
    inject_into_page(
        page,
        page.url,
        "<script>try { eval('1 + 1'); document.documentElement.dataset.evaluated = 'yes'; }"
        " catch (error) { document.documentElement.dataset.evaluated = error.name; }</script>",
    )
    page.reload()
    page.unroute_all(behavior="wait")
    assert page.evaluate("document.documentElement.dataset.evaluated") == "EvalError"
