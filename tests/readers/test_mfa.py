"""Optional two-factor authentication for readers: an authenticator app (TOTP),
enrolled from the account page and asked for at the next login, under our CSP."""

import base64
import hashlib
import hmac
import html
import json
import re
import struct
import time

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail

from tests.factories import EditorFactory, ReaderFactory

pytestmark = pytest.mark.django_db


def totp(secret: str, at: float) -> str:
    """The 6-digit code of an authenticator app at time `at` (RFC 6238, SHA-1, 30 s)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def current_code(secret: str) -> str:
    """The app's code now, not in the last second of its 30 s window."""
    if time.time() % 30 > 29:
        time.sleep(1.1)
    return totp(secret, time.time())


def test_totp_code_follows_rfc_6238():
    # RFC 6238, appendix B: the SHA-1 test key at 59 s gives 94287082 (8 digits).
    secret = base64.b32encode(b"12345678901234567890").decode()
    assert totp(secret, 59) == "287082"


def test_reader_enrols_an_authenticator_app_and_logs_in_with_it(client):
    reader = ReaderFactory(email="anna.rossi@example.org")
    credentials = {"login": reader.email, "password": "password-di-prova"}
    assert client.post("/account/login/", credentials).status_code == 302
    account = client.get("/account/profilo/").content.decode()
    assert 'href="/account/2fa/"' in account

    # Enrolling asks for the password again (allauth's reauthentication).
    response = client.get("/account/2fa/totp/activate/")
    assert response["Location"].startswith("/account/reauthenticate/")
    response = client.post(response["Location"], {"password": "password-di-prova"})
    assert response["Location"] == "/account/2fa/totp/activate/"
    page = client.get("/account/2fa/totp/activate/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Attiva l'applicazione di autenticazione" in text
    # The QR code is drawn in the page: our CSP allows no data: image and no script.
    assert "<svg" in text and "data:image" not in text and "<script" not in text
    assert "script-src 'none'" in page["Content-Security-Policy"]
    secret = html.unescape(re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', text)[1])

    wrong = client.post("/account/2fa/totp/activate/", {"code": "000000"})
    if totp(secret, time.time()) != "000000":
        assert "Codice errato" in wrong.content.decode()
    response = client.post("/account/2fa/totp/activate/", {"code": current_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=reader, type=Authenticator.Type.TOTP).exists()

    client.post("/account/logout/")
    response = client.post("/account/login/", credentials)
    assert response.status_code == 302
    assert response["Location"] == "/account/2fa/authenticate/"
    assert "<script" not in client.get("/account/2fa/authenticate/").content.decode()
    # The password alone does not sign in.
    assert client.get("/account/profilo/").status_code == 302
    response = client.post("/account/2fa/authenticate/", {"code": "123456x"})
    assert "Codice errato" in response.content.decode()
    assert client.get("/account/profilo/").status_code == 302
    response = client.post("/account/2fa/authenticate/", {"code": current_code(secret)})
    assert response.status_code == 302
    page = client.get("/account/profilo/")
    assert page.status_code == 200
    assert "anna.rossi@example.org" in page.content.decode()

    # The data export says what is active, never the secret.
    export = client.post("/account/profilo/esporta/")
    methods = json.loads(export.content)["account"]["autenticazione_a_due_fattori"]
    assert [m["metodo"] for m in methods] == ["app di autenticazione", "codici di recupero"]
    assert secret not in export.content.decode()


def test_staff_have_no_two_factor_pages_here(client):
    """Staff sign in at the admin, which would never ask for an app enrolled here."""
    client.force_login(EditorFactory())
    for path in ("/account/2fa/", "/account/2fa/totp/activate/"):
        response = client.get(path)
        assert response.status_code == 403
        assert "Questa è l'area dei lettori" in response.content.decode()


def test_a_code_by_email_does_not_skip_the_authenticator_app(client):
    reader = ReaderFactory(email="codice@example.org")
    secret = base64.b32encode(b"segreto-di-prova-20b").decode()
    Authenticator.objects.create(user=reader, type=Authenticator.Type.TOTP, data={"secret": secret})
    response = client.post("/account/login/code/", {"email": reader.email})
    [message] = mail.outbox
    code = re.search(r"^\s*([A-Z0-9]{4}-?[A-Z0-9]{4})\s*$", message.body, re.M).group(1)
    response = client.post(response["Location"], {"code": code})
    assert response["Location"] == "/account/2fa/authenticate/"
    assert client.get("/account/profilo/").status_code == 302
