"""The reserved area in a real browser: the gate, a reader who registers, declares
«farmacista», is verified by staff and reads; a «medico»-only article stays gated;
the reader exports and deletes the account."""

from __future__ import annotations

import json
import re

from django.core import mail

from articles.models import Article
from readers.models import ProfessionalProfile
from tests.factories import ArticleFactory, EditorFactory

SECRET = "Dosaggio riservato di Zentrolix negli anziani fragili"


def test_professional_reader_journey(site, page_at, screenshot, axe_violations):
    article = ArticleFactory(
        title="Anticoagulanti orali: le nuove indicazioni AIFA",
        standfirst="Cosa cambia per chi prescrive e per chi dispensa in farmacia.",
        body=f"<p>{SECRET}.</p>",
        audience=Article.Audience.PROFESSIONALS,
    )
    for_doctors = ArticleFactory(
        title="Terapia del dolore cronico: il protocollo per i medici",
        body=f"<p>{SECRET} per i soli medici.</p>",
        audience=Article.Audience.PROFESSIONS,
        audience_professions=["medico"],
    )
    editor = EditorFactory(username="capo", email="capo@example.org")

    # An anonymous reader on a phone: title, standfirst and the gate; no body.
    phone = page_at(375, 800)
    phone.goto(site.url + article.get_absolute_url())
    assert phone.locator(".gate").is_visible()
    assert "Zentrolix" not in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert axe_violations(phone) == []
    screenshot(phone, "readers-gate-375")

    # She registers from the gate.
    phone.get_by_role("link", name="Accedi o registrati").click()
    phone.get_by_role("link", name=re.compile("registrati", re.I)).first.click()
    phone.fill("input[name=email]", "giulia.farmacista@example.org")
    phone.fill("input[name=password1]", "Una-password-lunga-2026")
    phone.fill("input[name=password2]", "Una-password-lunga-2026")
    screenshot(phone, "readers-signup-375")
    phone.get_by_role("button", name=re.compile("^Registra", re.I)).click()
    phone.wait_for_load_state()
    screenshot(phone, "readers-verify-sent-375")
    link = re.search(r"https?://\S+/account/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    phone.goto(link)
    phone.get_by_role("button", name=re.compile("Conferma", re.I)).click()
    # Back where she came from: the article, still gated until she is verified.
    phone.wait_for_url(site.url + article.get_absolute_url())
    assert phone.locator(".gate").is_visible()
    phone.goto(site.url + "/account/profilo/")

    # She declares her profession.
    phone.get_by_role("link", name="Dichiara la tua professione").click()
    phone.fill("input[name=first_name]", "Giulia")
    phone.fill("input[name=last_name]", "Bassi")
    phone.select_option("select[name=profession]", "farmacista")
    phone.select_option("select[name=province]", "BO")
    phone.fill("input[name=registration_number]", "2231")
    phone.check("input[name=self_declaration]")
    phone.get_by_role("button", name="Invia per la verifica").click()
    phone.wait_for_url(re.compile(r"/account/profilo/$"))
    assert "dichiarato, da verificare" in phone.content()
    assert axe_violations(phone) == []
    screenshot(phone, "readers-account-375")

    # Staff verify her from the queue in the admin.
    desk = page_at(1366, 900)
    desk.goto(site.url + "/admin/login/")
    desk.fill("input[name=username]", editor.username)
    desk.fill("input[name=password]", "password-di-prova")
    desk.locator("input[type=submit]").click()
    desk.goto(site.url + "/admin/readers/professionalprofile/?state__exact=declared")
    assert "da verificare: 1" in desk.content()
    screenshot(desk, "readers-queue-1366")
    profile = ProfessionalProfile.objects.get(last_name="Bassi")
    desk.goto(site.url + f"/admin/readers/professionalprofile/{profile.pk}/decidi/")
    desk.check("input[value=verified]")
    desk.get_by_role("button", name="Registra la decisione").click()
    desk.wait_for_url(re.compile(r"/professionalprofile/$"))
    profile.refresh_from_db()
    assert profile.state == "verified"

    # Verified, she reads the reserved body from the gate's link.
    phone.goto(site.url + article.get_absolute_url())
    phone.get_by_role("link", name="Hai già un profilo verificato? Leggi il testo").click()
    assert phone.get_by_text(SECRET).is_visible()
    screenshot(phone, "readers-reserved-body-375")

    # A «medico»-only article stays gated for a farmacista.
    phone.goto(site.url + f"/account/profilo/riservato/{for_doctors.pk}/")
    assert "Zentrolix" not in phone.content()
    assert phone.locator(".gate").is_visible()

    # She downloads her data, then deletes the account.
    phone.goto(site.url + "/account/profilo/")
    with phone.expect_download() as download:
        phone.get_by_role("button", name="Scarica i tuoi dati (JSON)").click()
    data = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert data["profilo_professionale"]["stato"] == "Verificato"
    phone.get_by_role("link", name="Elimina l'account").click()
    phone.fill("input[name=email]", "giulia.farmacista@example.org")
    phone.get_by_role("button", name="Elimina definitivamente").click()
    phone.wait_for_url(site.url + "/")
    assert not ProfessionalProfile.objects.exists()
