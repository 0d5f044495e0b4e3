"""Shared pieces of the importers: a progress line and lookups that create on first use.

The lookups keep small caches (sections, authors, people, tags number in the
hundreds), so a long import asks the database about each name once.
"""

from __future__ import annotations

import hashlib
import time

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import OutputWrapper
from django.db import connection
from psycopg import sql
from taggit.models import Tag, TaggedItem

from articles.freshness import site_changed
from articles.models import (
    RESERVED_SLUGS,
    Article,
    ArticleAuthor,
    ArticlePerson,
    ArticleRedirect,
    Author,
    Person,
    Section,
)
from articles.slugs import slug_at_word


class Progress:
    """A progress line on stderr: redrawn in place on a terminal, every 10% otherwise."""

    def __init__(self, total_bytes: int, *, verbosity: int = 1, stream: OutputWrapper):
        self.total = max(total_bytes, 1)
        self.enabled = verbosity >= 1
        self.stream = stream  # a command's self.stderr
        self.tty = self.stream.isatty()
        self.started = time.monotonic()
        self.next_step = 0.1

    def update(self, done_bytes: int, articles: int) -> None:
        if not self.enabled:
            return
        share = min(done_bytes / self.total, 1.0)
        if not self.tty and share < self.next_step and share < 1.0:
            return
        self.next_step = (int(share * 10) + 1) / 10
        elapsed = max(time.monotonic() - self.started, 1e-6)
        filled = int(share * 30)
        line = (
            f"[{'#' * filled}{'.' * (30 - filled)}] {share:6.1%}  "
            f"{articles} articoli  {articles / elapsed:.0f}/s"
        )
        self.stream.write(("\r" + line) if self.tty else line + "\n", ending="")
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled and self.tty:
            self.stream.write("\n", ending="")
            self.stream.flush()


def unique_slug(model, base: str, *, max_length: int = 150, exclude_pk=None) -> str:
    base = slug_at_word(base, max_length) or "senza-titolo"
    if model is Section and base in RESERVED_SLUGS:
        base = f"{base}-sezione"
    slug, n = base, 2
    queryset = model.objects.exclude(pk=exclude_pk) if exclude_pk else model.objects.all()
    while queryset.filter(slug=slug).exists():
        suffix = f"-{n}"
        slug = base[: max_length - len(suffix)] + suffix
        n += 1
    return slug


EXTERNAL_ID_LENGTH = 100  # external_id's max_length on every model
# Publication dates outside these years are typos (and 9999 overflows on display).
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100


class CatalogError(ValueError):
    """Data the catalog refuses (one line for the user, nothing of the batch written)."""


class Catalog:
    """Sections, authors, people and tags by their import key, created when first met."""

    def __init__(self, *, prefix: str):
        # external_id = prefix + key, so two sources never claim each other's rows.
        self.prefix = prefix
        self.sections: dict[str, int] = {}
        self.placeholders: set[str] = set()
        self.authors: dict[str, int] = {}
        self.people: dict[str, int] = {}
        self.tags: dict[str, int] = {}
        self.created = {"sections": 0, "authors": 0, "people": 0, "tags": 0}
        self.article_type = ContentType.objects.get_for_model(Article)

    def external_id(self, key: str) -> str:
        """prefix + key, with a long key shortened by a hash (same key, same id)."""
        external_id = self.prefix + key
        if len(external_id) <= EXTERNAL_ID_LENGTH:
            return external_id
        digest = hashlib.sha256(key.encode()).hexdigest()[:16]
        return f"{external_id[: EXTERNAL_ID_LENGTH - 17]}~{digest}"

    def section(self, key: str, name: str | None = None, parent_id: int | None = None) -> int:
        """The section for `key`; `name=None` only looks it up (created with the key as name)."""
        if key in self.sections and (name is None or key not in self.placeholders):
            return self.sections[key]
        external_id = self.external_id(key)
        section = (
            Section.objects.filter(external_id=external_id).first()
            or Section.objects.filter(slug=key, external_id__isnull=True).first()
        )
        if section is not None and name is not None and parent_id not in (None, section.parent_id):
            self._refuse_cycle(section, key, parent_id)
        if section is None:
            section = Section.objects.create(
                name=(name or key)[:100],
                slug=unique_slug(Section, key, max_length=100),
                parent_id=parent_id,
                external_id=external_id,
            )
            self.created["sections"] += 1
            site_changed()  # the navigation may list it
        elif name is not None and (section.name, section.parent_id) != (name[:100], parent_id):
            section.name = name[:100]
            section.parent_id = parent_id
            section.save(update_fields=["name", "parent"])
            site_changed()
        if name is None:
            self.placeholders.add(key)
        else:
            self.placeholders.discard(key)
        self.sections[key] = section.pk
        return section.pk

    @staticmethod
    def _refuse_cycle(section: Section, key: str, parent_id: int) -> None:
        """A parent chain that comes back to the section would loop every page forever."""
        ancestor, seen = parent_id, set()
        while ancestor is not None and ancestor not in seen:
            if ancestor == section.pk:
                raise CatalogError(f"la sezione «{key}» finirebbe dentro sé stessa")
            seen.add(ancestor)
            ancestor = (
                Section.objects.filter(pk=ancestor).values_list("parent_id", flat=True).first()
            )

    def _person_like(self, model, cache, kind, key: str, fields: dict) -> int:
        if key in cache:
            return cache[key]
        external_id = self.external_id(key)
        row = (
            model.objects.filter(external_id=external_id).first()
            or model.objects.filter(slug=key, external_id__isnull=True).first()
        )
        if row is None:
            row = model.objects.create(
                slug=unique_slug(model, key), external_id=external_id, **fields
            )
            self.created[kind] += 1
        else:
            changed = [name for name, value in fields.items() if getattr(row, name) != value]
            if changed:
                for name in changed:
                    setattr(row, name, fields[name])
                row.save(update_fields=changed)
        cache[key] = row.pk
        return row.pk

    def author(self, key: str, *, name: str, role: str = "", bio: str = "") -> int:
        fields = {"name": name[:150], "role": role[:100]}
        if bio:
            fields["bio"] = bio
        return self._person_like(Author, self.authors, "authors", key, fields)

    def person(self, key: str, *, name: str, role: str = "", organisation: str = "") -> int:
        fields = {"name": name[:150], "role": role[:150], "organisation": organisation[:200]}
        return self._person_like(Person, self.people, "people", key, fields)

    def tag(self, name: str) -> int:
        key = name.lower()
        if key not in self.tags:
            tag = Tag.objects.filter(name__iexact=name).first()
            if tag is None:
                tag = Tag.objects.create(name=name)
                self.created["tags"] += 1
            self.tags[key] = tag.pk
        return self.tags[key]


# What the importers bulk-load.
IMPORTED = (Article, ArticleAuthor, ArticlePerson, ArticleRedirect, Author, Person, Section, Tag,
            TaggedItem)  # fmt: skip


def analyze_imported() -> None:
    """Refresh the planner's statistics of the tables an import filled.

    Until autovacuum analyses them (never, where it is off, as on CI machines),
    the planner believes freshly bulk-loaded tables are empty: an article page
    of a 10,000-article import took 31 ms instead of 5.5 ms.
    """
    tables = sql.SQL(", ").join(sql.Identifier(model._meta.db_table) for model in IMPORTED)
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("ANALYZE {}").format(tables).as_string(cursor.connection))
