"""What a subscriber's mail program shows: subjects, preheaders and plain text, unescaped."""

import email
import email.policy

import pytest

from articles.models import Publisher
from newsletter import services
from newsletter.models import Edition, EditionArticle
from tests.factories import ArticleFactory
from tests.newsletter.conftest import make_subscribers

pytestmark = pytest.mark.django_db(transaction=True)

TRICKY = 'l\'influenza & "vaccini" <2026>'
ENTITIES = ("&#x27;", "&#39;", "&amp;", "&quot;", "&lt;", "&gt;")


def raw_messages(sink) -> list[email.message.EmailMessage]:
    assert sink.wait_for(1)
    return sink.messages


def test_edition_subject_preheader_and_text_arrive_unescaped(smtp_settings):
    """The raw message read from the SMTP server carries the exact characters typed."""
    edition = Edition.objects.create(
        subject=f"Edizione speciale: {TRICKY}",
        preheader=f"Anteprima: {TRICKY}",
        intro=f"<p>Buongiorno, oggi {TRICKY.replace('&', '&amp;').replace('<', '&lt;')}</p>",
    )
    article = ArticleFactory(title=f"Titolo: {TRICKY}", standfirst=f"Sommario: {TRICKY}")
    EditionArticle.objects.create(edition=edition, article=article)
    make_subscribers(1)

    services.edition_send_now(edition=edition)

    [message] = raw_messages(smtp_settings)
    assert message["Subject"] == f"Edizione speciale: {TRICKY}"
    text = message.get_body(("plain",)).get_content()
    for line in (
        f"Anteprima: {TRICKY}",
        f"Buongiorno, oggi {TRICKY}",
        f"Titolo: {TRICKY}",
        f"Sommario: {TRICKY}",
    ):
        assert line in text
    assert not [entity for entity in ENTITIES if entity in text]
    html = message.get_body(("html",)).get_content()
    assert 'Edizione speciale: l\'influenza &amp; "vaccini" &lt;2026&gt;' in html
    assert TRICKY not in html  # In HTML the same characters are escaped, once.


def test_confirmation_subject_and_text_arrive_unescaped(client, smtp_settings):
    """The confirmation mail of a masthead with an apostrophe and an ampersand."""
    Publisher.objects.update_or_create(pk=1, defaults={"site_name": "L'Igiene & Salute"})

    client.post("/newsletter/", {"email": "nuova@example.org", "consent": "1", "page": "/"})

    [message] = raw_messages(smtp_settings)
    assert message["Subject"] == "Conferma l'iscrizione alla newsletter di L'Igiene & Salute"
    text = message.get_body(("plain",)).get_content()
    assert "alla newsletter di L'Igiene & Salute." in " ".join(text.split())
    assert not [entity for entity in ENTITIES if entity in text]
