"""Professional verification: declared by the reader, decided by staff, a register
extract or an online register; every decision audited; evidence deleted."""

import io
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from PIL import Image

from readers import services
from readers.models import ProfessionalProfile, RegisterEntry, VerificationDecision
from readers.tasks import verify_online
from tests.conftest import admin_path
from tests.factories import EditorFactory, ProfessionalProfileFactory, ReaderFactory

pytestmark = pytest.mark.django_db

State = ProfessionalProfile.State


def png_upload(name="tesserino.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), "white").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def declare(client, **overrides):
    data = {
        "first_name": "Anna",
        "last_name": "Rossi",
        "profession": "farmacista",
        "province": "MI",
        "registration_number": "4321",
        "self_declaration": "on",
        **overrides,
    }
    return client.post("/account/profilo/professione/", data)


def test_reader_declares_a_profession_and_waits_in_the_queue(client, settings, tmp_path):
    settings.READERS_PRIVATE_ROOT = tmp_path / "private"
    reader = ReaderFactory()
    client.force_login(reader)
    response = declare(client, document=png_upload())
    assert response.status_code == 302
    profile = ProfessionalProfile.objects.get(user=reader)
    assert profile.state == State.DECLARED
    assert (tmp_path / "private" / profile.document.name).exists()
    page = client.get("/account/profilo/").content.decode()
    assert "dichiarato, da verificare" in page
    # Staff see it in the queue with its count.
    client.force_login(EditorFactory())
    queue = client.get(admin_path("readers/professionalprofile/?state__exact=declared"))
    assert "da verificare: 1" in queue.content.decode()
    assert "Rossi" in queue.content.decode()


def test_bad_declaration_rerenders_with_messages_and_keeps_input(client):
    client.force_login(ReaderFactory())
    response = declare(client, profession="astronauta", self_declaration="")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Scegli un&#x27;opzione valida" in html or "Scegli un'opzione valida" in html
    assert 'value="4321"' in html
    assert not ProfessionalProfile.objects.exists()


def test_document_must_be_a_real_image(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(ReaderFactory())
    fake = SimpleUploadedFile("tesserino.png", b"%PDF-1.4 not an image", "image/png")
    response = declare(client, document=fake)
    assert response.status_code == 200
    assert not ProfessionalProfile.objects.exists()


def test_staff_verify_and_the_document_is_deleted_after_the_decision(client, settings, tmp_path):
    settings.READERS_PRIVATE_ROOT = tmp_path / "private"
    reader = ReaderFactory()
    client.force_login(reader)
    declare(client, document=png_upload())
    profile = ProfessionalProfile.objects.get()
    stored = tmp_path / "private" / profile.document.name
    editor = EditorFactory()
    client.force_login(editor)
    document = client.get(admin_path(f"readers/professionalprofile/{profile.pk}/documento/"))
    assert document.status_code == 200 and document["Content-Type"] == "image/png"
    response = client.post(
        admin_path(f"readers/professionalprofile/{profile.pk}/decidi/"), {"state": "verified"}
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.state == State.VERIFIED
    assert profile.verified_until > timezone.now() + timedelta(days=365)
    assert not stored.exists() and not profile.document
    decision = profile.decisions.first()
    assert decision.decided_by == editor and decision.method == "staff"
    assert "eliminato dopo la decisione" in decision.evidence


def test_rejection_needs_a_reason_the_reader_then_reads(client):
    profile = ProfessionalProfileFactory()
    client.force_login(EditorFactory())
    url = admin_path(f"readers/professionalprofile/{profile.pk}/decidi/")
    response = client.post(url, {"state": "rejected", "note": ""})
    assert response.status_code == 200
    assert "Indica il motivo del rifiuto" in response.content.decode()
    profile.refresh_from_db()
    assert profile.state == State.DECLARED
    client.post(url, {"state": "rejected", "note": "Numero non presente nell'albo di Milano."})
    client.force_login(profile.user)
    page = client.get("/account/profilo/").content.decode()
    assert "respinto" in page and "Numero non presente" in page


def test_journalists_cannot_decide(client):
    from tests.factories import JournalistFactory

    profile = ProfessionalProfileFactory()
    client.force_login(JournalistFactory())
    response = client.post(
        admin_path(f"readers/professionalprofile/{profile.pk}/decidi/"), {"state": "verified"}
    )
    assert response.status_code == 403
    profile.refresh_from_db()
    assert profile.state == State.DECLARED


REGISTER = (
    "professione;cognome;nome;numero;provincia\n"
    "farmacista;ROSSI;ANNA;004321;MI\n"
    "medico chirurgo;Bianchi;Marco;777;TO\n"
)


def test_register_extract_verifies_matching_declarations(client, tmp_path):
    match = ProfessionalProfileFactory(
        first_name="Anna", last_name="Rossi", registration_number="4321", province="MI"
    )
    other_province = ProfessionalProfileFactory(
        first_name="Anna", last_name="Rossi", registration_number="4321", province="RM"
    )
    editor = EditorFactory()
    client.force_login(editor)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("omceo-mi-2026-11.csv", REGISTER.encode(), "text/csv")
    response = client.post(admin_path("readers/registerentry/carica/"), {"extract": upload})
    assert response.status_code == 302
    assert RegisterEntry.objects.count() == 2
    match.refresh_from_db()
    other_province.refresh_from_db()
    assert match.state == State.VERIFIED
    assert other_province.state == State.DECLARED
    decision = match.decisions.first()
    assert decision.method == "register" and "omceo-mi-2026-11.csv" in decision.evidence
    # A later declaration matching the register is verified at once.
    later = ReaderFactory()
    client.force_login(later)
    declare(client, first_name="Marco", last_name="Bianchi", profession="medico",
            province="TO", registration_number="777")  # fmt: skip
    assert ProfessionalProfile.objects.get(user=later).state == State.VERIFIED


def test_bad_register_line_refuses_the_whole_file(tmp_path):
    path = tmp_path / "albo.csv"
    path.write_text(REGISTER + "dentista;Verdi;Luca;12;XX\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Riga 4: professione «dentista» sconosciuta"):
        call_command("import_register", str(path))
    assert not RegisterEntry.objects.exists()
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_register", str(tmp_path / "missing.csv"))


class FakeRegister(BaseHTTPRequestHandler):
    """A local online register: Rossi Anna, farmacista, MI 4321 is registered."""

    calls: list[str] = []
    fail = False

    def do_GET(self):
        FakeRegister.calls.append(self.path)
        if FakeRegister.fail:
            self.send_response(503)
            self.end_headers()
            return
        found = "numero=4321" in self.path and "cognome=Rossi" in self.path
        body = json.dumps({"iscritto": found, "cognome": "ROSSI", "nome": "ANNA"} if found
                          else {"iscritto": False}).encode()  # fmt: skip
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def register_server(settings):
    server = HTTPServer(("127.0.0.1", 0), FakeRegister)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeRegister.calls, FakeRegister.fail = [], False
    settings.READERS_REGISTER_URL = f"http://127.0.0.1:{server.server_port}/albo"
    yield FakeRegister
    server.shutdown()


def test_online_register_verifies_a_registered_reader(client, register_server):
    reader = ReaderFactory()
    client.force_login(reader)
    response = declare(client)
    assert response.status_code == 302
    profile = ProfessionalProfile.objects.get(user=reader)
    # on_commit is not run inside the test transaction: run the task as the worker would.
    assert verify_online.call(profile.pk) == "verified"
    profile.refresh_from_db()
    assert profile.state == State.VERIFIED
    assert "professione=farmacista" in register_server.calls[0]
    assert profile.decisions.first().method == "online"


def test_online_register_not_found_or_down_leaves_it_to_staff(register_server):
    stranger = ProfessionalProfileFactory(last_name="Sconosciuti", registration_number="1")
    assert verify_online.call(stranger.pk) == "not found"
    register_server.fail = True
    profile = ProfessionalProfileFactory(last_name="Rossi", registration_number="4321")
    assert verify_online.call(profile.pk) == "unavailable"
    stranger.refresh_from_db()
    profile.refresh_from_db()
    assert stranger.state == profile.state == State.DECLARED


def test_verifications_expire_and_are_audited():
    fresh = ProfessionalProfileFactory(verified=True)
    old = ProfessionalProfileFactory(
        verified=True, verified_until=timezone.now() - timedelta(days=1)
    )
    assert services.profiles_expire() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.state == State.EXPIRED and fresh.state == State.VERIFIED
    assert VerificationDecision.objects.filter(profile=old, method="expiry").exists()
