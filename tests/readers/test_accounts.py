"""Reader accounts with django-allauth: Italian, e-mail verified, never staff; the
reader exports and deletes their data; the newsletter subscription is linked."""

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from newsletter.models import Subscriber
from readers.models import ProfessionalProfile
from tests.factories import EditorFactory, ProfessionalProfileFactory, ReaderFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


def test_signup_verifies_the_address_then_opens_the_account(client):
    response = client.get("/account/signup/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Registrati" in html and "Sign Up" not in html
    assert 'class="site-footer' in html or "<footer" in html  # the site's layout
    response = client.post(
        "/account/signup/",
        {"email": "anna.rossi@example.org", "password1": "una-password-lunga-7", "password2":
         "una-password-lunga-7"},
    )  # fmt: skip
    assert response.status_code == 302
    user = User.objects.get(email="anna.rossi@example.org")
    assert not user.is_staff and not user.is_superuser
    [message] = mail.outbox
    assert "&#x27;" not in message.subject and "&amp;" not in message.subject
    link = re.search(r"https?://\S+/account/confirm-email/\S+/", message.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    client.post("/" + path)
    page = client.get("/account/profilo/")
    assert page.status_code == 200
    assert "anna.rossi@example.org" in page.content.decode()


def test_login_by_code_sent_by_email(client):
    reader = ReaderFactory(email="codice@example.org")
    response = client.post("/account/login/code/", {"email": reader.email})
    assert response.status_code == 302
    [message] = mail.outbox
    code = re.search(r"^\s*([A-Z0-9]{4}-?[A-Z0-9]{4})\s*$", message.body, re.M).group(1)
    response = client.post(response["Location"], {"code": code})
    assert response.status_code == 302
    assert client.get("/account/profilo/").status_code == 200


def test_staff_cannot_sign_in_as_readers(client):
    editor = EditorFactory(email="capo@example.org")
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=editor, email=editor.email, verified=True, primary=True)
    response = client.post(
        "/account/login/", {"login": editor.email, "password": "password-di-prova"}
    )
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_account_page_is_private_and_needs_login(client):
    response = client.get("/account/profilo/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")
    client.force_login(ReaderFactory())
    response = client.get("/account/profilo/")
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_export_holds_account_profile_and_newsletter(client):
    profile = ProfessionalProfileFactory(verified=True)
    Subscriber.objects.create(email=profile.user.email, status="active")
    client.force_login(profile.user)
    assert client.get("/account/profilo/esporta/").status_code == 405
    response = client.post("/account/profilo/esporta/")
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["account"]["email"] == profile.user.email
    assert data["profilo_professionale"]["professione"] == "Farmacista"
    assert data["profilo_professionale"]["decisioni"] == []
    assert data["newsletter"]["email"] == profile.user.email


def test_subscriber_with_the_same_address_is_linked_not_duplicated(client):
    reader = ReaderFactory(email="lettrice@example.org")
    Subscriber.objects.create(email="Lettrice@example.org", status="active")
    client.force_login(reader)
    page = client.get("/account/profilo/").content.decode()
    assert "Gestisci le preferenze" in page
    assert Subscriber.objects.count() == 1


def test_delete_account_needs_the_address_and_removes_everything(client, settings, tmp_path):
    settings.READERS_PRIVATE_ROOT = tmp_path
    profile = ProfessionalProfileFactory()
    profile.document.save("tesserino.png", __import__("io").BytesIO(b"x"))
    stored = tmp_path / profile.document.name
    user = profile.user
    client.force_login(user)
    response = client.post("/account/profilo/elimina/", {"email": "altro@example.org"})
    assert response.status_code == 400
    assert "esattamente" in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()
    response = client.post("/account/profilo/elimina/", {"email": user.email.upper()})
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    assert not ProfessionalProfile.objects.exists()
    assert not stored.exists()
    assert "_auth_user_id" not in client.session


def test_reader_sessions_are_marked_for_the_edge_and_staff_ones_are_not(client):
    reader = ReaderFactory(email="marcata@example.org")
    response = client.post(
        "/account/login/", {"login": reader.email, "password": "password-di-prova"}
    )
    assert response.status_code == 302
    assert response.cookies["s33_lettore"].value == "1"
    assert response.cookies["s33_lettore"]["httponly"]
    response = client.post("/account/logout/")
    assert response.cookies["s33_lettore"].value == ""  # deleted
    staff = Client()
    staff.force_login(EditorFactory())
    staff.cookies["s33_lettore"] = "1"  # a stale or forged marker is taken away
    response = staff.get("/")
    assert response.cookies["s33_lettore"].value == ""
