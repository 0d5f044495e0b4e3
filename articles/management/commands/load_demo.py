"""Fill an empty database with a realistic Italian demo newsroom.

Why: `make run` shows a working site at once, and reviewers can judge pages,
search, related lists, archives and the newsletter on believable content. The
articles are hand-written (articles/demo/articles.toml, people and masthead in
articles/demo/content.py); everything is invented, and only the cited sources
point at real institutional sites. Dates are relative to the moment of loading,
so the demo always reads like today's paper and the weeks before it. Each lead
image is a flat illustration of the article's motif drawn with Pillow
(articles/demo/illustrations.py) and stored once with its renditions. On a
database that already has articles it does nothing and says so.
"""

from __future__ import annotations

import time
import tomllib
from datetime import datetime, timedelta
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify

from articles.demo import content
from articles.demo.illustrations import illustration
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
from newsletter.models import Edition, EditionArticle
from standards.models import TrustSettings

ARTICLES_FILE = Path(content.__file__).with_name("articles.toml")


def read_articles() -> list[dict]:
    with ARTICLES_FILE.open("rb") as file:
        return tomllib.load(file)["article"]


def body_html(text: str, people: dict[str, Person]) -> tuple[str, list[str]]:
    """The light markup of articles.toml as HTML; also the names of the people quoted.

    Blocks are separated by blank lines: `## ` starts a subhead (h2, under the
    page's h1), `> text | Name` a quotation with the one person who said it,
    lines starting with `- ` a list; anything else is a paragraph.
    """
    parts, quoted = [], []
    for block in (b.strip() for b in text.strip().split("\n\n")):
        lines = " ".join(line.strip() for line in block.splitlines())
        if block.startswith("## "):
            parts.append(f"<h2>{escape(lines[3:])}</h2>")
        elif block.startswith("> "):
            said, name = (part.strip() for part in lines[2:].rsplit("|", 1))
            person = people[name]
            quoted.append(name)
            parts.append(
                f"<blockquote><p>«{escape(said)}»</p>"
                f"<p>— {escape(person.name)}, {escape(person.role.lower())}, "
                f"{escape(person.organisation)}</p></blockquote>"
            )
        elif block.startswith("- "):
            items = [line.strip()[2:] for line in block.splitlines()]
            parts.append("<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>")
        else:
            parts.append(f"<p>{escape(lines)}</p>")
    return "\n".join(parts), quoted


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
        self.now = timezone.localtime().replace(second=0, microsecond=0)
        entries = read_articles()
        self.images = 0
        with transaction.atomic():
            self.publisher()
            sections = self.sections()
            authors = {a.name: a for a in self.authors()}
            people = {p.name: p for p in self.people()}
            counts = {"published": 0, "scheduled": 0, "draft": 0, "review": 0}
            for entry in entries:
                counts[self.article(entry, sections, authors, people)] += 1
            self.edition()
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
        for position, (slug, name, parent, _palettes, description) in enumerate(content.SECTIONS):
            sections[slug] = Section.objects.create(
                slug=slug,
                name=name,
                parent=sections.get(parent) if parent else None,
                description=description,
                position=position * 10,
            )
        return sections

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

    def edition(self) -> None:
        """A draft newsletter edition of the week's stories, for the admin's preview."""
        data = content.EDITION
        edition = Edition.objects.create(
            subject=data["subject"], preheader=data["preheader"], intro=data["intro"]
        )
        articles = {a.title: a for a in Article.objects.filter(title__in=data["articles"])}
        EditionArticle.objects.bulk_create(
            EditionArticle(edition=edition, article=articles[title], position=position)
            for position, title in enumerate(data["articles"])
        )

    def when(self, entry: dict) -> datetime | None:
        """`hours_ago`, or `days_ago` with `at` (local time), or `days_ahead` for scheduled."""
        if "hours_ago" in entry:
            return self.now - timedelta(hours=entry["hours_ago"])
        hour, minute = (int(x) for x in entry.get("at", "09:30").split(":"))
        if "days_ahead" in entry:
            day = self.now + timedelta(days=entry["days_ahead"])
        elif "days_ago" in entry:
            day = self.now - timedelta(days=entry["days_ago"])
        else:
            return None
        return day.replace(hour=hour, minute=minute)

    def lead_image(self, entry: dict, section_slug: str, slug: str) -> tuple[str, list, str]:
        """A picture of its own for every article: motif from the entry, layout from the slug."""
        palettes = {s[0]: s[3] for s in content.SECTIONS}[section_slug]
        palette = entry.get("palette") or palettes[sum(map(ord, slug)) % len(palettes)]
        data, alt = illustration(entry["image"], palette, seed=slug)
        self.images += 1
        name = default_storage.save(
            f"articles/demo/{self.images:02d}-{entry['image']}.jpg", ContentFile(data)
        )
        return name, make_renditions(name), alt

    def article(self, entry: dict, sections, authors, people) -> str:
        status = entry.get("status", "published")
        publish_at = self.when(entry)
        if status == "published" and publish_at > self.now:
            status = "scheduled"
        slug = slug_at_word(entry["title"])
        body, quoted = body_html(entry["body"], people)
        image, renditions, alt = self.lead_image(entry, entry["section"], slug)
        sponsor = entry.get("sponsor", "")
        article = Article(
            kind=entry.get("kind", Article.Kind.NEWS),
            title=entry["title"],
            slug=slug,
            standfirst=entry["standfirst"].strip(),
            body=body,
            section=sections[entry["section"]],
            highlighted_quote=entry.get("quote", ""),
            lead_image=image,
            lead_image_renditions=renditions,
            lead_image_alt=alt,
            lead_image_caption=entry.get("caption", ""),
            lead_image_credit="Illustrazione di Sanità33",
            is_sponsored=bool(sponsor),
            sponsor_name=sponsor,
            is_health_content=not sponsor,
            is_featured="featured" in entry,
            # Reserved to verified health professionals (readers/access.py).
            audience=entry.get("audience", Article.Audience.PUBLIC),
            audience_professions=entry.get("professions", []),
            priority=entry.get("featured", 0),
            status={"draft": Article.Status.DRAFT, "review": Article.Status.REVIEW}.get(
                status, Article.Status.PUBLISHED
            ),
            publish_at=publish_at,
            first_published_at=publish_at if status == "published" else None,
            created_at=(publish_at or self.now) - timedelta(hours=5),
        )
        if "reviewer" in entry:
            article.medical_reviewer_person = people[entry["reviewer"]]
            article.last_reviewed = (publish_at or self.now).date()
        article.save()
        for position, name in enumerate(entry["by"]):
            ArticleAuthor.objects.create(article=article, author=authors[name], position=position)
        roles = {}
        if article.kind == Article.Kind.INTERVIEW:
            roles[entry["interviewee"]] = ArticlePerson.Role.INTERVIEWEE
        elif article.highlighted_quote:
            raise CommandError(f"Only interviews highlight a quote: {entry['title']}")
        for name in quoted:
            roles.setdefault(name, ArticlePerson.Role.QUOTED)
        for position, (name, role) in enumerate(roles.items()):
            ArticlePerson.objects.create(
                article=article, person=people[name], role=role, position=position
            )
        article.tags.add(*entry["tags"])
        for position, source in enumerate(entry["sources"]):
            Source.objects.create(
                article=article,
                title=source["title"],
                url=source.get("url", ""),
                doi=source.get("doi", ""),
                position=position,
            )
        for correction in entry.get("corrections", []):
            Correction.objects.create(
                article=article,
                note=correction["note"],
                created_at=publish_at + timedelta(hours=correction["hours_after"]),
            )
        return status
