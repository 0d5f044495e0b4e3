"""A small, realistic Italian newsroom for browser tests and screenshots."""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageDraw

from articles.models import Article, Publisher
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CorrectionFactory,
    PersonFactory,
    SectionFactory,
    SourceFactory,
)

PALETTES = [
    ((12, 74, 85), (120, 190, 190)),
    ((168, 32, 26), (250, 200, 150)),
    ((40, 60, 120), (160, 190, 240)),
    ((60, 110, 60), (200, 230, 170)),
    ((110, 70, 120), (230, 190, 220)),
]

TITLES = [
    (
        "Vaccino antinfluenzale, la campagna parte in anticipo nelle Regioni del Nord",
        "Le dosi arrivano negli ambulatori dei medici di famiglia già a fine settembre.",
    ),
    (
        "Liste d'attesa, il piano del ministero per ridurre i tempi delle visite",
        "Agende uniche regionali e controlli sulle prestazioni in intramoenia.",
    ),
    (
        "Diabete di tipo 2, nuove linee guida per i medici di medicina generale",
        "Più spazio ai farmaci che proteggono cuore e reni fin dalla diagnosi.",
    ),
    (
        "Antibiotico-resistenza, l'Italia resta tra i Paesi più colpiti in Europa",
        "Il rapporto europeo chiede un uso più prudente negli ospedali e negli allevamenti.",
    ),
    (
        "Terapie geniche, via libera europeo al primo trattamento per l'emofilia B",
        "Una sola infusione può sostituire anni di profilassi settimanale.",
    ),
    (
        "Pronto soccorso, mancano 4.500 medici: le proposte dei sindacati",
        "Indennità, turni più brevi e meno contratti a gettone.",
    ),
    (
        "Screening oncologici, adesione in crescita ma forti differenze tra Regioni",
        "Mammografia e test per il colon-retto: il Sud resta indietro.",
    ),
    (
        "Biosimilari, quanto risparmia il Servizio sanitario nazionale",
        "Dal 2020 la spesa per i farmaci biologici è scesa del 18 per cento.",
    ),
    (
        "Salute mentale dei giovani, raddoppiano gli accessi ai servizi",
        "Ansia e disturbi alimentari le diagnosi più frequenti dopo la pandemia.",
    ),
    (
        "Fascicolo sanitario elettronico, cosa cambia per i cittadini",
        "Referti, vaccinazioni e ricette in un unico archivio consultabile dallo smartphone.",
    ),
    (
        "Infermieri, il contratto che prova a fermare le dimissioni",
        "Aumenti medi di 170 euro e nuove indennità per chi lavora nelle aree critiche.",
    ),
    (
        "Ricerca clinica, l'Italia attrae più sperimentazioni sui tumori rari",
        "I centri italiani coordinano un terzo degli studi europei di fase II.",
    ),
]


def image_file(n: int) -> ContentFile:
    dark, light = PALETTES[n % len(PALETTES)]
    img = Image.new("RGB", (1200, 675), light)
    draw = ImageDraw.Draw(img)
    for i in range(0, 675, 15):
        t = i / 675
        color = tuple(int(dark[c] * (1 - t) + light[c] * t) for c in range(3))
        draw.rectangle([0, i, 1200, i + 15], fill=color)
    draw.ellipse([700 - n * 20, 120, 1100 - n * 20, 520], fill=light)
    draw.rectangle([120, 380 + n * 5, 560, 420 + n * 5], fill=(255, 255, 255))
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=70)
    return ContentFile(buffer.getvalue(), name=f"foto-{n}.jpg")


def build_newsroom() -> dict:
    publisher = Publisher.load()
    publisher.company_name = "Edizioni Salute Italia S.r.l."
    publisher.vat_number = "01234567890"
    publisher.registered_office = "Via della Scrofa 14, 00186 Roma"
    publisher.editor_in_chief = "Laura Ferri"
    publisher.court_registration = "Registrazione Tribunale di Roma n. 123 del 4 maggio 2020"
    publisher.email = "redazione@sanita33.example"
    publisher.x_url = "https://x.com/sanita33"
    publisher.linkedin_url = "https://www.linkedin.com/company/sanita33"
    publisher.save()

    farmaci = SectionFactory(name="Farmaci", slug="farmaci", position=1)
    biotech = SectionFactory(name="Biotech", slug="biotech", parent=farmaci, position=1)
    politica = SectionFactory(name="Politica sanitaria", slug="politica-sanitaria", position=2)
    ricerca = SectionFactory(name="Ricerca", slug="ricerca", position=3)
    professione = SectionFactory(name="Professione", slug="professione", position=4)
    sections = [politica, farmaci, ricerca, professione, biotech]

    giulia = AuthorFactory(
        name="Giulia Conti", slug="giulia-conti", bio="Scrive di farmaci e ricerca clinica."
    )
    marco = AuthorFactory(name="Marco De Santis", slug="marco-de-santis", role="Redazione")
    cristina = PersonFactory(
        name="Cristina Moretti",
        slug="cristina-moretti",
        role="Direttrice del Centro emofilia",
        organisation="Policlinico di Milano",
    )
    now = timezone.now()
    articles = []
    for n, (title, standfirst) in enumerate(TITLES * 3):
        round_ = n // len(TITLES)
        article = ArticleFactory(
            title=title if round_ == 0 else f"{title} ({round_ + 1})",
            slug=f"{slugify(title)[:70]}-{n}",
            standfirst=standfirst,
            body=(
                "<p>Secondo i dati presentati ieri, la situazione è in evoluzione e le "
                "Regioni chiedono risorse certe per i prossimi tre anni.</p>"
                "<h2>I numeri</h2><p>Nel 2024 le prestazioni erogate sono aumentate del "
                "7 per cento, ma i tempi di attesa restano lunghi per le visite "
                "specialistiche.</p><blockquote><p>Serve un cambio di passo.</p></blockquote>"
                "<ul><li>Più personale</li><li>Agende uniche</li></ul>"
            ),
            section=sections[n % len(sections)],
            publish_at=now - timedelta(hours=5 * n + 1),
            is_featured=n in (0, 4),
            priority=10 if n == 0 else 0,
            tags=["vaccini", "Regioni"] if n % 2 == 0 else ["farmaci", "ricerca clinica"],
            authors=[giulia, marco] if n % 3 == 0 else [marco],
            kind=Article.Kind.INTERVIEW if n == 4 else Article.Kind.NEWS,
            is_sponsored=n == 7,
            sponsor_name="Fondazione Salute Digitale" if n == 7 else "",
            lead_image_alt=f"Illustrazione per l'articolo: {title}",
            lead_image_caption="Un ambulatorio di medicina generale." if n < 12 else "",
            lead_image_credit="Foto Sanità33",
        )
        if n < 14:
            article.lead_image.save(f"foto-{n}.jpg", image_file(n), save=False)
            article.save()
        articles.append(article)
    interview = articles[4]
    interview.highlighted_quote = "Una sola infusione può cambiare la vita di un paziente."
    interview.save()
    interview.article_people.create(person=cristina, role="interviewee")
    SourceFactory(article=articles[0], title="Circolare del ministero della Salute, 2025")
    SourceFactory(article=articles[4], title="Studio HOPE-B", url="", doi="10.1056/NEJMoa2211644")
    CorrectionFactory(article=articles[0], note="Corretto il numero delle Regioni coinvolte.")
    return {
        "sections": sections,
        "articles": articles,
        "interview": interview,
        "authors": [giulia, marco],
        "person": cristina,
    }
