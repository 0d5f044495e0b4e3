"""Issue 17 in a real browser: a rettifica from a reader's request to the notice on the
article, thumbnails at 375 px, no page wider than a phone, target sizes, and the Nu
HTML checker and axe-core on every new page."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from articles.freshness import content_changed
from standards import services
from standards.models import CorrectionRequest, Policy, TrustSettings
from tests.browser.conftest import ARTIFACTS, vnu_errors
from tests.conftest import admin_path
from tests.factories import CorrectionRequestFactory, EditorFactory

SCREENS = Path("/work/screens/reader")
LONG_WORD = "antinfiammatorio" * 197  # 3,152 characters, as in the report


def shot(page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.evaluate(
        "async () => { for (const img of document.images) { img.loading = 'eager'; }"
        " await Promise.all([...document.images].map(i => i.complete ? null :"
        " new Promise(r => { i.onload = i.onerror = r; }))); }"
    )
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)


def test_reader_files_a_rettifica_the_editor_accepts_it_and_the_notice_shows(
    site, newsroom, page_at
):
    article = newsroom["articles"][2]
    EditorFactory(username="caporedattrice")

    reader = page_at(375)
    reader.goto(site.url + article.get_absolute_url())
    reader.get_by_role("link", name="chiedere una rettifica").click()
    reader.wait_for_url(re.compile(r"/rettifica/\?articolo="))
    assert (
        article.get_absolute_url() in reader.get_by_label("Indirizzo dell'articolo").input_value()
    )
    reader.get_by_label("Nome e cognome").fill("Mario Rossi")
    reader.get_by_label("E-mail").fill("mario.rossi@example.org")
    reader.get_by_label("Che cosa è sbagliato").fill(
        "L'articolo attribuisce all'associazione una posizione contraria alle nuove linee guida."
    )
    reader.get_by_label("Versione corretta dei fatti").fill(
        "L'associazione ha sostenuto le linee guida fin dalla consultazione pubblica."
    )
    reader.get_by_label("Acconsento al trattamento").check()
    reader.get_by_role("button", name="Invia la richiesta").click()
    reader.get_by_role("heading", name="Richiesta ricevuta").wait_for()
    assert "entro 48 ore" in reader.locator("main").inner_text()
    request = CorrectionRequest.objects.get()
    assert request.status == CorrectionRequest.Status.RECEIVED

    editor = page_at(1280)
    editor.goto(site.url + admin_path())
    editor.get_by_label("Nome utente").fill("caporedattrice")
    editor.get_by_label("Password").fill("password-di-prova")
    editor.get_by_role("button", name="Accedi").click()
    editor.wait_for_url(re.compile(re.escape(admin_path())))
    editor.goto(site.url + admin_path("standards/correctionrequest/"))
    assert "mancano 47 ore" in editor.locator("#result_list").inner_text()
    editor.locator("#result_list tbody tr").first.locator("th a").click()
    editor.get_by_text("Mario Rossi").first.wait_for()
    editor.locator("#id_decision").select_option("accept")
    editor.locator("#id_notice").fill(
        "Rettifica: l'associazione ha sostenuto le nuove linee guida fin dalla consultazione."
    )
    editor.get_by_role("button", name="Salva", exact=True).click()
    editor.wait_for_url(re.compile(r"/correctionrequest/$"))
    request.refresh_from_db()
    assert request.status == CorrectionRequest.Status.PUBLISHED

    # A reader arriving now (a fresh browser: pages may be kept for max-age).
    reader = page_at(375)
    reader.goto(site.url + article.get_absolute_url())
    notice = reader.locator(".rettifica-notice")
    assert notice.is_visible()
    assert "sostenuto le nuove linee guida" in notice.inner_text()
    assert notice.bounding_box()["y"] < reader.locator("h1").bounding_box()["y"]
    notice.get_by_role("link", name="Vai al registro delle correzioni").click()
    assert reader.locator(".corrections li").last.evaluate("el => el.id").startswith("correzione-")
    assert "Rettifica" in reader.locator(".corrections").inner_text()
    shot(reader, "article-rettifica-375")


LIST_PAGES = ("section", "author", "tag", "archive")


def list_paths(newsroom) -> dict[str, str]:
    month = timezone.localtime(newsroom["articles"][0].publish_at)
    return {
        "section": "/farmaci/",
        "author": newsroom["authors"][0].get_absolute_url(),
        "tag": "/tag/vaccini/",
        "archive": f"/archivio/{month.year}/{month.month:02d}/",
    }


def test_list_thumbnails_keep_their_rendition_ratio_at_375(site, newsroom, page_at):
    page = page_at(375)
    for name, path in list_paths(newsroom).items():
        page.goto(site.url + path)
        page.evaluate("() => { for (const img of document.images) img.loading = 'eager'; }")
        page.wait_for_function(
            "() => [...document.querySelectorAll('.card--row img')].every(i => i.complete)"
        )
        boxes = page.evaluate(
            """() => [...document.querySelectorAll('.card--row .card__media')].map(a => {
                const img = a.querySelector('img');
                const box = img.getBoundingClientRect();
                return {box: box.width / box.height, natural: img.naturalWidth / img.naturalHeight,
                        media: a.getBoundingClientRect().height, image: box.height};
            })"""
        )
        assert boxes, name
        for found in boxes:
            assert found["box"] == pytest.approx(found["natural"], rel=0.02), name
            # No empty block under the picture: the link is as tall as the image.
            assert found["media"] == pytest.approx(found["image"], abs=1), name
    page.goto(site.url + "/farmaci/")
    shot(page, "section-375")


def test_no_reader_page_is_wider_than_a_phone(site, newsroom, page_at):
    page = page_at(375)
    paths = [
        "/",
        newsroom["articles"][0].get_absolute_url(),
        newsroom["interview"].get_absolute_url(),
        *list_paths(newsroom).values(),
        "/archivio/",
        f"/archivio/{timezone.localdate().year}/",
        "/autori/",
        "/persone/",
        "/tag/",
        "/trasparenza/",
        "/trasparenza/correzioni/",
        "/rettifica/",
        "/accessibilita/",
        "/privacy/",
        "/cerca/?q=" + LONG_WORD,
        "/pagina-che-non-esiste-" + "x" * 300 + "/",
    ]
    for path in paths:
        page.goto(site.url + path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, path[:80]
    page.goto(site.url + "/cerca/?q=" + LONG_WORD)
    assert page.locator("#ricerca-testata").get_attribute("maxlength") == "200"
    assert page.get_by_label("Parole da cercare").get_attribute("maxlength") == "200"
    assert "abbiamo cercato solo i primi 200 caratteri" in page.locator(".search-note").inner_text()


def test_section_kicker_links_are_at_least_24_pixels_high(site, newsroom, page_at):
    for width in (1280, 375):
        page = page_at(width)
        page.goto(site.url + "/")
        heights = page.locator(".card__section").evaluate_all(
            "links => links.map(a => a.getBoundingClientRect().height)"
        )
        assert heights and min(heights) >= 24, (width, min(heights))


def new_pages(newsroom) -> dict[str, str]:
    return {
        "archivio": "/archivio/",
        "archivio-anno": f"/archivio/{timezone.localdate().year}/",
        "autori": "/autori/",
        "persone": "/persone/",
        "tag": "/tag/",
        "trasparenza": "/trasparenza/",
        **{f"policy-{kind}": f"/trasparenza/{kind}/" for kind in Policy.Kind.values},
        "rettifica": "/rettifica/",
        "rettifica-articolo": f"/rettifica/?articolo={newsroom['articles'][1].slug}",
        "accessibilita": "/accessibilita/",
        "articolo-con-rettifica": newsroom["articles"][1].get_absolute_url(),
    }


# The same pages once the desk has filled in what they show from the admin.
FILLED_PAGES = {
    "trasparenza-compilata": "/trasparenza/",
    "accessibilita-compilata": "/accessibilita/",
    "policy-dalla-redazione": "/trasparenza/codice-etico/",
}
FILLED_TEXT = {
    "trasparenza-compilata": "Aruba S.p.A.",
    "accessibilita-compilata": "I PDF allegati alle circolari",
    "policy-dalla-redazione": "Regali e viaggi",
}


def fill_in_the_trust_data() -> None:
    trust = TrustSettings.load()
    trust.ownership = "Edizioni Salute Italia S.r.l. è posseduta al 100% da Gruppo Salute S.p.A."
    trust.funding = "Pubblicità: 70%\nContenuti sponsorizzati: 20%\nAbbonamenti: 10%"
    trust.hosting_provider = "Aruba S.p.A."
    trust.hosting_address = "Via San Clemente 53, 24036 Ponte San Pietro (BG)"
    trust.accessibility_checked_on = timezone.localdate()
    trust.accessibility_known_issues = (
        "I grafici degli articoli precedenti al 2024 non hanno una descrizione testuale.\n"
        "I PDF allegati alle circolari non sono sempre accessibili."
    )
    trust.accessibility_email = "accessibilita@sanita33.example"
    trust.save()
    Policy.objects.create(
        kind=Policy.Kind.ETHICS,
        body="<h2>Regali e viaggi</h2><p>Non accettiamo regali di valore.</p>"
        "<ul><li>Nessun viaggio pagato</li><li>Nessun compenso</li></ul>",
    )
    content_changed(services.STANDARDS)


def rettifica_form_data(newsroom) -> dict[str, str]:
    return {
        "article_url": newsroom["articles"][1].get_absolute_url(),
        "name": "Mario Rossi",
        "email": "mario.rossi@example.org",
        "statement": "Il numero dei medici mancanti è sbagliato.",
        "correct_version": "Mancano 4.500 medici, non 5.400.",
        "consent": "on",
        "website": "",
    }


def publish_a_rettifica(newsroom) -> None:
    request = services.correction_request_file(
        article=newsroom["articles"][1],
        name="Mario Rossi",
        email="mario.rossi@example.org",
        statement="Il dato è sbagliato.",
        correct_version="Il dato corretto.",
    )
    services.correction_request_accept(
        request=request, by=EditorFactory(), notice="Il dato corretto è 4.500, non 5.400."
    )


def test_new_pages_have_no_axe_violations(site, newsroom, page_at, axe_violations):
    publish_a_rettifica(newsroom)
    failures = {}
    for width in (1280, 375):
        page = page_at(width)
        for name, path in new_pages(newsroom).items():
            page.goto(site.url + path)
            if violations := axe_violations(page):
                failures[f"{name} ({width})"] = violations
        # The form with its errors shown.
        page.goto(site.url + "/rettifica/")
        page.get_by_role("button", name="Invia la richiesta").click()
        page.locator(".form-errors").wait_for()
        if violations := axe_violations(page):
            failures[f"rettifica-errori ({width})"] = violations
        # And the page that confirms it once filled in.
        page.goto(site.url + "/rettifica/")
        page.get_by_label("Indirizzo dell'articolo").fill(
            site.url + newsroom["articles"][1].get_absolute_url()
        )
        page.get_by_label("Nome e cognome").fill("Mario Rossi")
        page.get_by_label("E-mail").fill("mario.rossi@example.org")
        page.get_by_label("Che cosa è sbagliato").fill("Il numero dei medici è sbagliato.")
        page.get_by_label("Versione corretta dei fatti").fill("Mancano 4.500 medici.")
        page.get_by_label("Acconsento al trattamento").check()
        page.get_by_role("button", name="Invia la richiesta").click()
        page.get_by_role("heading", name="Richiesta ricevuta").wait_for()
        if violations := axe_violations(page):
            failures[f"rettifica-inviata ({width})"] = violations
    fill_in_the_trust_data()
    for width in (1280, 375):
        page = page_at(width)
        for name, path in FILLED_PAGES.items():
            page.goto(site.url + path)
            if violations := axe_violations(page):
                failures[f"{name} ({width})"] = violations
    assert failures == {}
    page = page_at(1280)
    for name in ("archivio", "trasparenza", "persone"):
        page.goto(site.url + new_pages(newsroom)[name])
        shot(page, f"{name}-1280")
    page = page_at(375)
    page.goto(site.url + "/trasparenza/")
    shot(page, "trasparenza-375")


def saved(folder: Path, name: str, response) -> Path:
    """The response's HTML in a file, for the Nu checker."""
    target = folder / f"{name}.html"
    target.write_bytes(response.content)
    return target


def assert_valid_html(vnu_jar, files: list[Path]) -> None:
    errors = vnu_errors(vnu_jar, files)
    assert errors == [], [
        (e["url"].rsplit("/", 1)[-1], e.get("lastLine"), e["message"]) for e in errors
    ]


def test_new_pages_are_valid_html(site, newsroom, vnu_jar, tmp_path, client):
    publish_a_rettifica(newsroom)
    files = []
    for name, path in new_pages(newsroom).items():
        response = client.get(path)
        assert response.status_code == 200, path
        files.append(saved(tmp_path, name, response))
    response = client.post("/rettifica/", {"name": "", "consent": ""})
    files.append(saved(tmp_path, "rettifica-errori", response))
    response = client.post("/rettifica/", rettifica_form_data(newsroom))
    assert "Richiesta ricevuta" in response.content.decode()
    files.append(saved(tmp_path, "rettifica-inviata", response))
    fill_in_the_trust_data()
    for name, path in FILLED_PAGES.items():
        response = client.get(path)
        assert response.status_code == 200, path
        assert FILLED_TEXT[name] in response.content.decode(), path
        files.append(saved(tmp_path, name, response))
    assert_valid_html(vnu_jar, files)


def admin_pages(request: CorrectionRequest) -> dict[str, str]:
    return {
        "scrivania": admin_path(),
        "rettifiche": admin_path("standards/correctionrequest/"),
        "rettifica": admin_path(f"standards/correctionrequest/{request.pk}/change/"),
        "oblio": admin_path("standards/deindexing/"),
        "oblio-nuovo": admin_path("standards/deindexing/add/"),
        "policy": admin_path("standards/policy/"),
        "policy-nuova": admin_path("standards/policy/add/"),
        "trasparenza": admin_path("standards/trustsettings/1/change/"),
    }


def late_and_fresh_requests(newsroom) -> tuple[CorrectionRequest, CorrectionRequest]:
    now = timezone.now()
    late = CorrectionRequestFactory(
        article=newsroom["articles"][3], name="Mario Rossi", received_at=now - timedelta(hours=50)
    )
    fresh = CorrectionRequestFactory(
        article=newsroom["articles"][5], name="ASST Brianza", received_at=now - timedelta(hours=2)
    )
    TrustSettings.load()
    return late, fresh


def test_the_desk_reminds_the_editor_of_open_rettifiche(site, newsroom, page_at, axe_violations):
    late, fresh = late_and_fresh_requests(newsroom)
    EditorFactory(username="caporedattrice")
    page = page_at(1366)
    page.goto(site.url + admin_path())
    page.get_by_label("Nome utente").fill("caporedattrice")
    page.get_by_label("Password").fill("password-di-prova")
    page.get_by_role("button", name="Accedi").click()
    block = page.locator("#rettifiche")
    rows = block.locator("li")
    assert rows.count() == 2
    assert rows.nth(0).locator(".desk-badge").inner_text() == "Scaduta"
    assert newsroom["articles"][3].title in rows.nth(0).inner_text()
    assert "Mancano 45 ore" in rows.nth(1).inner_text()
    assert rows.nth(1).locator(".desk-badge").count() == 0
    summary = page.locator(".desk-summary")
    assert summary.get_by_role("link", name="2 rettifiche aperte").count() == 1
    block.screenshot(path=str(ARTIFACTS / "desk-rettifiche.png"))

    failures = {}
    for name, path in admin_pages(late).items():
        page.goto(site.url + path)
        if violations := axe_violations(page):
            failures[name] = violations
    assert failures == {}

    page.goto(site.url + admin_path())
    page.locator("#rettifiche").get_by_role("link", name=newsroom["articles"][3].title).click()
    page.wait_for_url(re.compile(rf"/correctionrequest/{late.pk}/change/$"))
    assert "Mario Rossi" in page.locator("#content").inner_text()


def test_the_newsroom_s_standards_pages_are_valid_html(site, newsroom, vnu_jar, tmp_path, client):
    late, _fresh = late_and_fresh_requests(newsroom)
    client.force_login(EditorFactory())
    files = []
    for name, path in admin_pages(late).items():
        response = client.get(path)
        assert response.status_code == 200, path
        files.append(saved(tmp_path, name, response))
    assert_valid_html(vnu_jar, files)
