"""The e-mails subscribers open: masthead, articles with images, footer, size, text part."""

import re

import pytest

from articles.models import Publisher
from newsletter import tokens
from newsletter.emails import EditionRenderer, confirmation_message
from newsletter.models import Edition, EditionArticle, Subscriber
from tests.browser.newsroom import image_file
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


def full_edition(count: int = 15, **fields) -> Edition:
    fields.setdefault("subject", "La settimana: vaccini, liste d'attesa, farmaci")
    fields.setdefault("intro", "<p>Buongiorno, ecco le notizie che contano.</p>")
    edition = Edition.objects.create(**fields)
    section = SectionFactory(name="Farmaci")
    for n in range(count):
        article = ArticleFactory(
            title=f"Notizia numero {n}: un titolo lungo come quelli veri del giornale",
            standfirst="Un sommario di due righe che spiega la notizia. " * 3,
            section=section,
            lead_image_alt=f"Foto della notizia {n}",
        )
        article.lead_image.save(f"foto-{n}.jpg", image_file(n))
        EditionArticle.objects.create(edition=edition, article=article, position=n)
    return edition


def rendered(edition: Edition) -> tuple[str, str, str]:
    result = EditionRenderer(edition).render_for(None)
    token = tokens.manage_token(Subscriber.objects.create(email="a@example.org").key)
    text, html = result.personalise(token)
    return result.subject, text, html


def test_edition_has_a_visible_title_date_and_preheader_first(settings):
    edition = full_edition(2, preheader="Le Regioni corrono")

    _, _, html = rendered(edition)

    body = html.split("<body", 1)[1].split(">", 1)[1]
    first_text = re.sub(r"<[^>]+>", " ", body).split()
    assert first_text[:3] == ["Le", "Regioni", "corrono"]  # The inbox's preview line.
    assert re.search(r"<h1[^>]*>La settimana: vaccini, liste d'attesa, farmaci</h1>", html)
    assert re.search(r"(Lunedì|Martedì|Mercoledì|Giovedì|Venerdì|Sabato|Domenica) \d+ ", html)


def test_without_a_preheader_the_preview_line_lists_the_first_titles():
    edition = full_edition(4)

    _, _, html = rendered(edition)

    preheader = re.search(r'<div class="preheader"[^>]*>([^<&]*)', html).group(1)
    assert preheader.startswith("Notizia numero 0: un titolo")
    assert preheader.count(" · ") == 2


def test_each_article_has_image_section_title_standfirst_and_read_link(settings):
    settings.SITE_URL = "https://www.sanita33.example"
    edition = full_edition(3)

    _, _, html = rendered(edition)

    images = re.findall(r"<img [^>]+>", html)
    assert len(images) == 3
    for n, img in enumerate(images):
        assert re.search(r'src="https://www\.sanita33\.example/media/[^"]+\.jpg"', img)
        assert re.search(r'width="\d+"', img) and re.search(r'height="\d+"', img)
        assert f'alt="Foto della notizia {n}"' in img
    assert html.count(">Leggi</a>") == 3
    assert html.count(">Farmaci</div>") == 3
    assert "Un sommario di due righe" in html


def test_brand_masthead_legal_footer_and_links_with_inlined_css():
    Publisher.objects.update_or_create(
        pk=1,
        defaults={
            "company_name": "Edizioni Salute S.r.l.",
            "registered_office": "Via Roma 1, Milano",
            "vat_number": "01234567890",
        },
    )
    _, _, html = rendered(full_edition(1))

    assert "#0c4a55" in html and "#0b6e4f" not in html  # Teal, the site's brand.
    assert re.search(r'<a class="masthead-name"[^>]*style="[^"]*color: ?#0c4a55', html)
    assert "Edizioni Salute S.r.l., Via Roma 1, Milano · P.IVA 01234567890" in html
    assert "Scegli gli argomenti o metti in pausa" in html
    assert "Cancellati con un clic" in html
    assert "/newsletter/disiscrizione/" in html and "/newsletter/preferenze/" in html
    assert "prefers-color-scheme: dark" in html  # Kept as a media query for dark mode.
    assert '<meta name="color-scheme" content="light dark">' in html


def test_a_full_edition_stays_under_gmails_102_kb_clipping_limit():
    edition = full_edition(15)
    _, _, html = rendered(edition)

    assert len(html.encode()) < 102 * 1024 * 0.6  # Room left for long titles.
    # Short lines keep the part 8bit (no quoted-printable) and the fast wire path on.
    renderer = EditionRenderer(edition)
    _, wire = renderer.wire(to="a@example.org", token="t" * 40, rendered=renderer.render_for(None))
    assert b"quoted-printable" not in wire and b"base64" not in wire


def test_the_plain_text_part_reads_well():
    edition = full_edition(2, preheader="Le Regioni corrono")

    _, text, _ = rendered(edition)

    assert "<" not in text and "&#" not in text and "&amp;" not in text
    assert "La settimana: vaccini, liste d'attesa, farmaci" in text
    assert "Buongiorno, ecco le notizie che contano." in text
    assert "FARMACI\nNotizia numero 0" in text
    assert re.search(r"Leggi: http\S+/", text)
    assert max(len(line) for line in text.splitlines() if "http" not in line) <= 78


def test_confirmation_link_text_has_break_points():
    """The long signed URL must be able to wrap, or it widens the whole message."""
    subscriber = Subscriber.objects.create(email="nuova@example.org")

    html = confirmation_message(subscriber).alternatives[0][0]

    link_text = re.search(r'class="fallback-link"[^>]*>(.*?)</a>', html).group(1)
    assert link_text.count("<wbr>") >= 5
    assert max(len(piece) for piece in link_text.split("<wbr>")) <= 20
    # Fluid: at most 600 px wide, narrower on a phone (Outlook gets a fixed ghost table).
    assert re.search(r'<table class="container"[^>]* width="100%"[^>]*max-width: ?600px', html)
