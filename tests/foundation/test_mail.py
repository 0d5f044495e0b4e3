import email

from django.core.mail import EmailMessage, get_connection


def test_local_mail_is_written_as_eml_files(tmp_path):
    backend = get_connection("sanita33.mail.EmlFileBackend", file_path=tmp_path)
    sent = backend.send_messages(
        [EmailMessage("Conferma l'iscrizione", "Ciao!", "redazione@example.org", ["a@example.org"])]
    )
    assert sent == 1
    [path] = tmp_path.glob("*.eml")
    parsed = email.message_from_bytes(path.read_bytes())
    assert parsed["To"] == "a@example.org"
    assert parsed["Subject"] == "Conferma l'iscrizione"
