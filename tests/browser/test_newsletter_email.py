"""The newsletter e-mails' HTML parts in Chromium: fluid at phone width, dark mode."""

from __future__ import annotations

import pytest

from newsletter import tokens
from newsletter.emails import EditionRenderer, confirmation_message
from newsletter.models import Edition, EditionArticle, Subscriber
from tests.browser.newsroom import image_file
from tests.factories import ArticleFactory

WIDTHS = (700, 600, 375)


@pytest.fixture
def mails(site, transactional_db):
    subscriber = Subscriber.objects.create(email="lettrice@example.org", status="confirmed")
    edition = Edition.objects.create(
        subject="La settimana: vaccini, liste d'attesa, farmaci",
        preheader="Antinfluenzale: le Regioni corrono",
        intro="<p>Buongiorno, ecco le notizie che contano.</p>",
    )
    for n in range(4):
        article = ArticleFactory(
            title=f"Notizia {n}: le Regioni e il piano per ridurre le liste d'attesa",
            standfirst="Agende uniche regionali e controlli sulle prestazioni in intramoenia.",
            lead_image_alt=f"Foto {n}",
        )
        article.lead_image.save(f"foto-{n}.jpg", image_file(n))
        EditionArticle.objects.create(edition=edition, article=article, position=n)
    rendered = EditionRenderer(edition).render_for(None)
    _, edition_html = rendered.personalise(tokens.manage_token(subscriber.key))
    pending = Subscriber.objects.create(email="nuova@example.org")
    return {
        "confirm": confirmation_message(pending).alternatives[0][0],
        "edition": edition_html,
    }


def show(page, html: str, origin: str) -> None:
    """The HTML part as a mail program shows it: no site CSP, images from the site."""
    address = origin + "/__mail-preview__"
    page.route(address, lambda route: route.fulfill(body=html, content_type="text/html"))
    page.goto(address)


@pytest.mark.parametrize("name", ["confirm", "edition"])
def test_mail_fits_every_width_without_sideways_scrolling(site, mails, page_at, screenshot, name):
    """At 375 px nothing is cut at the right edge; the long confirm link wraps."""
    for width in WIDTHS:
        page = page_at(width)
        show(page, mails[name], site.url)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (name, width)
        widest = page.evaluate(
            "Math.max(...[...document.querySelectorAll('p, h1, h2, a, img')]"
            ".map(e => e.getBoundingClientRect().right))"
        )
        assert widest <= width, (name, width)
        container = page.locator("table.container").bounding_box()
        assert container["width"] <= 600
        screenshot(page, f"mail-{name}-{width}")


def test_mail_images_load_and_dark_mode_darkens_the_page(site, mails, browser, screenshot):
    context = browser.new_context(viewport={"width": 600, "height": 900}, color_scheme="dark")
    page = context.new_page()
    show(page, mails["edition"], site.url)
    loaded = page.evaluate("[...document.images].map(i => i.complete && i.naturalWidth > 0)")
    background = page.evaluate(
        "getComputedStyle(document.querySelector('table.container')).backgroundColor"
    )
    screenshot(page, "mail-edition-dark-600")
    context.close()

    assert loaded == [True] * 4
    assert background == "rgb(24, 29, 32)"
