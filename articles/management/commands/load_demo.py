"""Fill an empty database with a realistic Italian demo newsroom.

Why: `make run` shows a working site at once, and reviewers can judge pages,
search, related lists and the admin on believable content. Everything is
invented (articles/demo/content.py) and generated from a fixed seed, so two
runs give the same newsroom; lead images are abstract pictures drawn with
Pillow in each section's colours. On a database that already has articles it
does nothing and says so.
"""

from __future__ import annotations

import math
import random
import re
import time
from datetime import timedelta
from io import BytesIO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageDraw, ImageFilter

from articles.demo import content
from articles.images import make_renditions
from articles.models import (
    Article,
    ArticleAuthor,
    ArticlePerson,
    Author,
    Correction,
    Person,
    Publisher,
    Section,
    Source,
)
from articles.slugs import slug_at_word
from standards.models import TrustSettings

SEED = 33
ARTICLES = 150
IMAGES_PER_SECTION = 2
IMAGE_SIZE = (1600, 900)


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))


def draw_image(dark: str, light: str, rng: random.Random) -> bytes:
    """An abstract picture: a diagonal gradient with soft translucent shapes."""
    width, height = IMAGE_SIZE
    angle = rng.uniform(0, 360)
    # The inner square of a rotated square is covered at any angle: no empty corners.
    gradient = Image.linear_gradient("L").rotate(angle, resample=Image.Resampling.BICUBIC)
    gradient = gradient.crop((38, 38, 218, 218)).resize(IMAGE_SIZE, Image.Resampling.BICUBIC)
    base = Image.composite(
        Image.new("RGB", IMAGE_SIZE, _rgb(light)),
        Image.new("RGB", IMAGE_SIZE, _rgb(dark)),
        gradient,
    )
    # Shapes are drawn at a quarter of the size and enlarged: soft edges, four times faster.
    small = (width // 4, height // 4)
    # Transparent light tone, not transparent black: enlarged edges stay light.
    shapes = Image.new("RGBA", small, (*_rgb(light), 0))
    draw = ImageDraw.Draw(shapes)
    for _ in range(rng.randint(5, 9)):
        radius = rng.randint(22, 95)
        x, y = rng.randint(-25, small[0] + 25), rng.randint(-25, small[1] + 25)
        tone = _rgb(light) if rng.random() < 0.6 else (255, 255, 255)
        draw.ellipse(
            (x - radius, y - radius, x + radius, y + radius), fill=(*tone, rng.randint(30, 90))
        )
    for _ in range(rng.randint(2, 4)):
        y = rng.randint(0, small[1])
        amplitude, phase = rng.randint(5, 20), rng.uniform(0, math.tau)
        period = rng.randint(35, 65)
        points = [
            (x, y + amplitude * math.sin(phase + x / period)) for x in range(0, small[0] + 5, 5)
        ]
        draw.line(points, fill=(255, 255, 255, rng.randint(60, 120)), width=rng.randint(1, 2))
    shapes = shapes.filter(ImageFilter.GaussianBlur(1)).resize(IMAGE_SIZE, Image.Resampling.BICUBIC)
    picture = Image.alpha_composite(base.convert("RGBA"), shapes).convert("RGB")
    out = BytesIO()
    picture.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue()


# Italian joins a preposition to the article after it; the templates do not.
CONTRACTIONS = {
    "su": ["sul", "sullo", "sulla", "sull'", "sui", "sugli", "sulle"],
    "di": ["del", "dello", "della", "dell'", "dei", "degli", "delle"],
    "a": ["al", "allo", "alla", "all'", "ai", "agli", "alle"],
    "da": ["dal", "dallo", "dalla", "dall'", "dai", "dagli", "dalle"],
    "in": ["nel", "nello", "nella", "nell'", "nei", "negli", "nelle"],
}
ARTICLE_FORMS = ["il", "lo", "la", "l'", "i", "gli", "le"]
CONTRACTIBLE = re.compile(r"\b(su|di|a|da|in) ((?:il|lo|la|i|gli|le)(?=\W|$)|l')", re.IGNORECASE)


def contract_prepositions(text: str) -> str:
    """ "su le borse" → "sulle borse", "Su l'indagine" → "Sull'indagine"."""

    def join(match: re.Match) -> str:
        preposition, article = match.group(1), match.group(2).lower()
        joined = CONTRACTIONS[preposition.lower()][ARTICLE_FORMS.index(article)]
        return joined.capitalize() if preposition[0].isupper() else joined

    return CONTRACTIBLE.sub(join, text)


class Command(BaseCommand):
    help = "Carica la redazione dimostrativa (solo su un database senza articoli)."

    def handle(self, *args, verbosity, **options):
        existing = Article.objects.count()
        if existing:
            self.stdout.write(
                f"Il database contiene già {existing} articoli: la demo non viene caricata."
            )
            return
        started = time.monotonic()
        self.rng = random.Random(SEED)
        self.now = timezone.now().replace(second=0, microsecond=0)
        with transaction.atomic():
            self.publisher()
            sections = self.sections()
            images = self.images(sections)
            authors = self.authors()
            people = self.people()
            counts = self.articles(sections, images, authors, people)
        if verbosity >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo caricata in {time.monotonic() - started:.1f} s: "
                    f"{counts['published']} articoli pubblicati, {counts['scheduled']} "
                    f"programmati, {counts['draft']} bozze, {counts['review']} in revisione, "
                    f"{len(sections)} sezioni, "
                    f"{len(authors)} autori, {len(people)} persone."
                )
            )

    def publisher(self):
        publisher = Publisher.load()
        for name, value in content.PUBLISHER.items():
            setattr(publisher, name, value)
        publisher.save()
        trust = TrustSettings.load()
        for name, value in content.TRUST.items():
            setattr(trust, name, value)
        trust.accessibility_checked_on = self.now.date()
        trust.save()

    def sections(self) -> dict[str, Section]:
        sections: dict[str, Section] = {}
        for position, (slug, name, parent, _colours, description) in enumerate(content.SECTIONS):
            sections[slug] = Section.objects.create(
                slug=slug,
                name=name,
                parent=sections.get(parent) if parent else None,
                description=description,
                position=position * 10,
            )
        return sections

    def images(self, sections) -> dict[str, list[tuple[str, list[dict]]]]:
        """A few pictures per section, each stored once with its renditions."""
        images = {}
        for slug, _name, _parent, (dark, light), _description in content.SECTIONS:
            images[slug] = []
            for number in range(IMAGES_PER_SECTION):
                data = draw_image(dark, light, self.rng)
                name = default_storage.save(
                    f"articles/demo/{slug}-{number + 1}.jpg", ContentFile(data)
                )
                images[slug].append((name, make_renditions(name)))
        return images

    def authors(self) -> list[Author]:
        return [
            Author.objects.create(
                name=name,
                slug=slugify(name),
                role=role,
                credentials=content.CREDENTIALS.get(name, ""),
                bio=bio,
                email=f"{slugify(name).replace('-', '.')}@sanita33.example",
            )
            for name, role, bio in content.AUTHORS
        ]

    def people(self) -> list[Person]:
        return [
            Person.objects.create(
                name=name, slug=slugify(name), role=role, organisation=org, bio=bio
            )
            for name, role, org, bio in content.PEOPLE
        ]

    def fill(self, template: str, subject: str) -> str:
        rng = self.rng
        text = template.format(
            subject=subject,
            Subject=subject[0].upper() + subject[1:],
            org=rng.choice(content.ORGANISATIONS),
            region=rng.choice(content.REGIONS),
            percent=rng.randint(12, 48),
            millions=rng.randint(5, 250),
            thousands=rng.randint(3, 90),
            year=rng.choice([2025, 2026, 2027]),
            n=rng.randint(100000, 999999),
        )
        text = contract_prepositions(text)
        return text[0].upper() + text[1:]

    def body(self, subject: str, kind: str, person: Person | None) -> str:
        rng = self.rng
        parts = []
        if kind == Article.Kind.INTERVIEW and person:
            parts.append(
                f"<p>{self.fill(rng.choice(content.PARAGRAPHS), subject)}</p>"
                f"<p>Ne abbiamo parlato con {person.name}, {person.role.lower()} "
                f"({person.organisation}).</p>"
            )
            for question, answer in zip(
                content.INTERVIEW_QUESTIONS, rng.sample(content.INTERVIEW_ANSWERS, 4), strict=True
            ):
                # h2 under the page's h1: headings must not skip a level.
                parts.append(f"<h2>{self.fill(question, subject)}</h2><p>{answer}</p>")
            return "\n".join(parts)
        paragraphs = rng.sample(content.PARAGRAPHS, rng.randint(5, 7))
        heads = rng.sample(content.SUBHEADS, 2)
        for index, paragraph in enumerate(paragraphs):
            if index in (2, 4) and heads:
                parts.append(f"<h2>{heads.pop()}</h2>")
            parts.append(f"<p>{self.fill(paragraph, subject)}</p>")
            if index == 1 and person:
                parts.append(
                    f"<blockquote><p>«{rng.choice(content.QUOTES)}»</p></blockquote>"
                    f"<p>Lo sottolinea {person.name}, {person.role.lower()} di "
                    f"{person.organisation}.</p>"
                )
        if rng.random() < 0.3:
            parts.append(
                "<p>I punti principali:</p><ul>"
                + "".join(f"<li>{s}</li>" for s in rng.sample(content.SUBHEADS, 3))
                + "</ul>"
            )
        return "\n".join(parts)

    def articles(self, sections, images, authors, people) -> dict[str, int]:
        rng = self.rng
        plan = []
        section_slugs = [s[0] for s in content.SECTIONS]
        for index in range(ARTICLES):
            slug = section_slugs[index % len(section_slugs)]
            subject, tags = content.TOPICS[slug][
                (index // len(section_slugs)) % len(content.TOPICS[slug])
            ]
            plan.append((index, slug, subject, tags))
        rng.shuffle(plan)

        counts = {"published": 0, "scheduled": 0, "draft": 0, "review": 0}
        used_slugs: set[str] = set()
        for position, (_index, section_slug, subject, tags) in enumerate(plan):
            roll = rng.random()
            if position < 5:
                status, publish_at = (
                    "scheduled",
                    self.now + timedelta(days=rng.randint(1, 10), hours=rng.randint(0, 12)),
                )
            elif position < 13:
                status, publish_at = ("draft" if position < 10 else "review"), None
            else:
                status = "published"
                publish_at = self.now - timedelta(
                    days=rng.randint(0, 120), hours=rng.randint(0, 23), minutes=rng.randint(0, 59)
                )
                if position < 20:  # the freshest news of the day
                    publish_at = self.now - timedelta(hours=rng.randint(1, 20))
            if roll < 0.18:
                kind = Article.Kind.INTERVIEW
            elif roll < 0.28:
                kind = Article.Kind.ANALYSIS
            elif roll < 0.34:
                kind = Article.Kind.OPINION
            else:
                kind = Article.Kind.NEWS
            person = rng.choice(people) if kind == Article.Kind.INTERVIEW or roll > 0.75 else None
            quote = rng.choice(content.QUOTES) if kind == Article.Kind.INTERVIEW else ""
            if kind == Article.Kind.INTERVIEW:
                title = f"{person.name}: «{quote[:-1]}»"
            else:
                templates = {
                    Article.Kind.ANALYSIS: content.ANALYSIS_TITLES,
                    Article.Kind.OPINION: content.OPINION_TITLES,
                }.get(kind, content.NEWS_TITLES)
                title = self.fill(rng.choice(templates), subject)
            slug = base = slug_at_word(title)
            n = 2
            while slug in used_slugs:
                slug, n = f"{base}-{n}", n + 1
            used_slugs.add(slug)
            image_name, renditions = rng.choice(images[section_slug])
            sponsored = position % 29 == 7
            article = Article(
                kind=kind,
                title=title,
                slug=slug,
                standfirst=self.fill(
                    rng.choice(
                        [
                            "Che cosa sta cambiando su {subject}: i dati, le scelte delle "
                            "Regioni e le richieste di medici e pazienti.",
                            "Il punto su {subject}, tra nuove risorse e problemi ancora aperti.",
                            "{Subject}: {org} fa il punto con numeri aggiornati e le prossime "
                            "scadenze.",
                        ]
                    ),
                    subject,
                ),
                body=self.body(subject, kind, person),
                section=sections[section_slug],
                highlighted_quote=quote,
                lead_image=image_name,
                lead_image_renditions=renditions,
                lead_image_alt=f"Illustrazione astratta nei colori della sezione "
                f"{sections[section_slug].name}",
                lead_image_caption=self.fill(rng.choice(content.IMAGE_CAPTIONS), subject),
                lead_image_credit="Grafica Sanità33",
                is_sponsored=sponsored,
                sponsor_name=rng.choice(content.SPONSORS) if sponsored else "",
                is_health_content=not sponsored,
                is_featured=status == "published" and position % 17 == 3,
                priority=rng.randint(40, 90) if position % 17 == 3 else 0,
                status={"draft": Article.Status.DRAFT, "review": Article.Status.REVIEW}.get(
                    status, Article.Status.PUBLISHED
                ),
                publish_at=publish_at,
                first_published_at=publish_at if status == "published" else None,
                created_at=(publish_at or self.now) - timedelta(hours=rng.randint(2, 48)),
            )
            if kind != Article.Kind.OPINION and rng.random() < 0.4:
                reviewer = rng.choice(people[:4] + people[7:10])
                article.medical_reviewer_person = reviewer
                article.last_reviewed = (publish_at or self.now).date()
            article.save()
            counts[status] += 1
            author_pool = authors[:-1] if rng.random() < 0.9 else authors[-1:]
            byline = rng.sample(author_pool, min(len(author_pool), 1 if rng.random() < 0.8 else 2))
            for order, author in enumerate(byline):
                ArticleAuthor.objects.create(article=article, author=author, position=order)
            if person:
                ArticlePerson.objects.create(
                    article=article,
                    person=person,
                    role=ArticlePerson.Role.INTERVIEWEE
                    if kind == Article.Kind.INTERVIEW
                    else ArticlePerson.Role.QUOTED,
                )
            article.tags.add(*tags, rng.choice(content.REGIONS))
            for order, (source_title, link_kind, link) in enumerate(
                rng.sample(content.SOURCE_TEMPLATES, rng.randint(1, 3))
            ):
                value = self.fill(link, subject)
                Source.objects.create(
                    article=article,
                    title=self.fill(source_title, subject),
                    url=value if link_kind == "url" else "",
                    doi=value if link_kind == "doi" else "",
                    position=order,
                )
            if status == "published" and position % 37 == 5:
                Correction.objects.create(
                    article=article,
                    note=self.fill(rng.choice(content.CORRECTIONS), subject),
                    created_at=publish_at + timedelta(hours=rng.randint(2, 30)),
                )
        return counts
