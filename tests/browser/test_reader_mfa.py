"""Two-factor authentication in a real browser, under the readers' CSP: a reader
enrols an authenticator app from the account page and is asked for its code at
the next login."""

from __future__ import annotations

import re

from tests.factories import ReaderFactory
from tests.readers.test_mfa import current_code


def test_reader_enrols_an_authenticator_app_and_logs_in_with_it(
    site, page_at, screenshot, axe_violations
):
    reader = ReaderFactory(email="marco.infermiere@example.org")
    page = page_at(375, 800)
    refusals = []  # CSP refusals and other errors reach the console
    page.on(
        "console",
        lambda m: refusals.append(m.text) if m.type in {"error", "warning"} else None,
    )

    page.goto(site.url + "/account/login/")
    page.fill("input[name=login]", reader.email)
    page.fill("input[name=password]", "password-di-prova")
    page.get_by_role("button", name="Accedi").click()
    page.wait_for_url(re.compile(r"/account/profilo/$"))
    page.get_by_role("link", name="Autenticazione a due fattori").click()
    assert page.get_by_role("heading", name="Autenticazione a due fattori").is_visible()
    page.get_by_role("link", name="Attiva").click()
    # allauth asks for the password again before adding an authenticator.
    page.fill("input[name=password]", "password-di-prova")
    page.get_by_role("button", name="Conferma").click()
    page.wait_for_url(re.compile(r"/account/2fa/totp/activate/$"))

    # The QR code is drawn, with no data: image, script or CSP refusal.
    qr = page.locator(".totp-qr svg")
    assert qr.is_visible()
    assert qr.bounding_box()["width"] > 150
    assert axe_violations(page) == []
    screenshot(page, "readers-totp-activate-375")
    secret = page.input_value("#authenticator_secret")
    page.fill("input[name=code]", current_code(secret))
    page.get_by_role("button", name="Attiva").click()
    page.wait_for_load_state()
    assert "Codici di recupero" in page.content()

    # Next login: password, then the app's code.
    page.goto(site.url + "/account/logout/")
    page.get_by_role("button", name="Disconnetti").click()
    page.goto(site.url + "/account/login/")
    page.fill("input[name=login]", reader.email)
    page.fill("input[name=password]", "password-di-prova")
    page.get_by_role("button", name="Accedi").click()
    page.wait_for_url(re.compile(r"/account/2fa/authenticate/$"))
    screenshot(page, "readers-totp-login-375")
    page.fill("input[name=code]", current_code(secret))
    page.get_by_role("button", name=re.compile("^(Accedi|Conferma)")).click()
    page.wait_for_url(re.compile(r"/account/profilo/$"))
    assert reader.email in page.content()
    assert refusals == []
