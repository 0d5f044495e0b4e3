"""Import articles from a JSON Lines corpus (the format of ../shared/bench/make_corpus.py).

Why: to load a newsroom's archive, benchmarks and evaluation corpora at scale.
Each line is one article; `id` is its stable key (stored as external_id), so
running the same file again changes nothing and an edited file updates only
what changed. Lines are read in batches, each written in one transaction with
bulk operations, so memory stays constant whatever the file size.

A malformed line (bad JSON or UTF-8, a wrong type, a missing field, a slug no
address can carry, a date outside 1900-2100, a line over 10 MB, a section loop)
stops the import with its line number: the batches before it are complete and
stay (re-running after the fix goes on from there, since the import is
idempotent); nothing of the batch holding the bad line is written. An empty
file is an error too.

An optional `label` per line goes to ArticleLabel (evaluation only).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import TaggedItem

from articles.freshness import article_tags, content_changed
from articles.importing import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    Catalog,
    CatalogError,
    Progress,
    analyze_imported,
)
from articles.models import Article, ArticleAuthor, ArticleLabel, ArticlePerson
from articles.sanitize import clean_html
from articles.search import ensure_configuration, update_search_vectors

PREFIX = "corpus:"
# Fields an import may change on an existing article; status and dates of
# first publication stay as the newsroom left them.
COMPARED = (
    "title",
    "slug",
    "standfirst",
    "body",
    "section_id",
    "kind",
    "publish_at",
    "is_featured",
)
KINDS = set(Article.Kind.values)
# A line is one article: past this it is a broken file, not a long article.
MAX_LINE_BYTES = 10 * 1024 * 1024
# What the address /<section>/<slug>/ accepts.
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


class LineError(Exception):
    def __init__(self, message: str, *, line: int | None = None):
        super().__init__(message)
        self.line = line


@dataclass
class Record:
    line: int
    external_id: str
    title: str
    slug: str
    standfirst: str
    body: str
    section: tuple[str, str, str | None]
    tags: list[str]
    authors: list[dict]
    interviewee: dict | None
    kind: str
    publish_at: datetime
    is_featured: bool
    label: str | None = None


@dataclass
class Totals:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    lines: int = 0
    extra: dict = field(default_factory=dict)


def _text(row: dict, name: str, *, required: bool = False, max_length: int | None = None) -> str:
    value = row.get(name)
    if value is None:
        if required:
            raise LineError(f"manca il campo obbligatorio «{name}»")
        return ""
    if not isinstance(value, str):
        raise LineError(f"il campo «{name}» deve essere un testo")
    value = value.replace("\x00", "").strip()
    if required and not value:
        raise LineError(f"il campo obbligatorio «{name}» è vuoto")
    if max_length and len(value) > max_length:
        raise LineError(f"il campo «{name}» supera {max_length} caratteri")
    return value


def _named(value, what: str) -> dict:
    if not isinstance(value, dict) or not isinstance(value.get("name"), str) or not value["name"]:
        raise LineError(f"ogni voce di «{what}» deve avere almeno un «name»")
    slug = value.get("slug") if isinstance(value.get("slug"), str) else ""
    return {
        "name": value["name"].strip(),
        "slug": slug.strip() or slugify(value["name"]),
        "role": value.get("role") if isinstance(value.get("role"), str) else "",
        "organisation": value.get("organisation")
        if isinstance(value.get("organisation"), str)
        else "",
    }


def _clean_strings(value):
    """Drop NUL (PostgreSQL cannot store it) and refuse lone surrogates (not UTF-8)."""
    if isinstance(value, str):
        if _SURROGATE.search(value):
            raise LineError("il testo contiene un carattere non valido (\\ud800-\\udfff isolato)")
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_clean_strings(item) for item in value]
    if isinstance(value, dict):
        return {_clean_strings(k): _clean_strings(v) for k, v in value.items()}
    return value


def parse_line(text: str, line: int) -> Record:
    try:
        row = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LineError(f"JSON non valido ({exc.msg}, colonna {exc.colno})") from None
    except (ValueError, RecursionError):  # a number past 4,300 digits, nesting past the stack
        raise LineError(
            "JSON non valido (numero troppo lungo o annidamento troppo profondo)"
        ) from None
    if not isinstance(row, dict):
        raise LineError("ogni riga deve essere un oggetto JSON")
    if "\\u" in text:  # only \u escapes can bring NUL or a surrogate into valid UTF-8 JSON
        row = _clean_strings(row)
    external_id = _text(row, "id", required=True, max_length=100 - len(PREFIX))
    title = _text(row, "title", required=True, max_length=250)
    section = _text(row, "section", required=True, max_length=100)
    published = _text(row, "published_at", required=True)
    try:
        publish_at = datetime.fromisoformat(published)
    except ValueError:
        raise LineError(f"data «published_at» non valida: {published!r}") from None
    if not EARLIEST_YEAR <= publish_at.year <= LATEST_YEAR:
        raise LineError(
            f"data «published_at» fuori dall'intervallo {EARLIEST_YEAR}-{LATEST_YEAR}: "
            f"{published!r}"
        )
    if timezone.is_naive(publish_at):
        publish_at = timezone.make_aware(publish_at)
    kind = _text(row, "kind") or Article.Kind.NEWS
    if kind not in KINDS:
        raise LineError(f"tipo «{kind}» sconosciuto (ammessi: {', '.join(sorted(KINDS))})")
    tags = row.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise LineError("«tags» deve essere una lista di testi")
    authors = row.get("authors") or []
    if not isinstance(authors, list):
        raise LineError("«authors» deve essere una lista")
    interviewee = row.get("interviewee")
    label = row.get("label")
    if label is not None and not isinstance(label, str | int):
        raise LineError("«label» deve essere un testo")
    slug = _text(row, "slug", max_length=250) or slugify(f"{title}-{external_id}")
    if not SLUG.fullmatch(slug):
        raise LineError(
            f"slug non valido: {slug!r} (solo lettere senza accenti, cifre, - e _)"
            if row.get("slug")
            else "il titolo e l'«id» non danno uno slug: indica «slug»"
        )
    section_parent = _text(row, "section_parent", max_length=100)
    if section_parent == section:
        raise LineError(f"la sezione «{section}» non può stare dentro sé stessa")
    is_featured = row.get("is_featured")
    if is_featured is not None and not isinstance(is_featured, bool):
        raise LineError("«is_featured» deve essere true o false")
    return Record(
        line=line,
        external_id=PREFIX + external_id,
        title=title,
        slug=slug[:250],
        standfirst=_text(row, "standfirst"),
        body=_text(row, "body_html"),
        section=(section, _text(row, "section_name") or section, section_parent),
        tags=list(dict.fromkeys(t.strip()[:100] for t in tags if t.strip())),
        authors=[_named(a, "authors") for a in authors],
        interviewee=_named(interviewee, "interviewee") if interviewee else None,
        kind=kind,
        publish_at=publish_at,
        is_featured=bool(is_featured),
        label=str(label)[:200] if label is not None else None,
    )


class Importer:
    def __init__(self):
        self.catalog = Catalog(prefix=PREFIX)
        self.totals = Totals()

    def section_id(self, record: Record) -> int:
        slug, name, parent = record.section
        parent_id = self.catalog.section(parent) if parent else None
        return self.catalog.section(slug, name, parent_id)

    @transaction.atomic
    def write(self, batch: list[Record]) -> list[int]:
        """Write one batch; return the ids whose search vector must be (re)computed."""
        values = {}
        for record in batch:
            try:
                section_id = self.section_id(record)
            except CatalogError as exc:
                raise LineError(str(exc), line=record.line) from None
            values[record.external_id] = {
                "title": record.title,
                "slug": record.slug,
                "standfirst": record.standfirst,
                # bulk_create bypasses Article.save(): sanitise here.
                "body": clean_html(record.body),
                "section_id": section_id,
                "kind": record.kind,
                "publish_at": record.publish_at,
                "is_featured": record.is_featured,
            }
        existing = {
            row["external_id"]: row
            for row in Article.objects.filter(external_id__in=values)
            .annotate(
                has_vector=ExpressionWrapper(
                    Q(search_vector__isnull=False), output_field=BooleanField()
                )
            )
            .values("id", "external_id", "has_vector", *COMPARED)
        }
        self._free_slugs(values, existing)
        now = timezone.now()
        new = [
            Article(
                external_id=external_id,
                status=Article.Status.PUBLISHED,
                first_published_at=fields["publish_at"],
                created_at=fields["publish_at"],
                **fields,
            )
            for external_id, fields in values.items()
            if external_id not in existing
        ]
        Article.objects.bulk_create(new)
        ids = {a.external_id: a.pk for a in new}
        ids.update({key: row["id"] for key, row in existing.items()})

        changed = set()
        to_update = []
        for key, row in existing.items():
            fields = values[key]
            if any(row[name] != fields[name] for name in COMPARED):
                to_update.append(Article(pk=row["id"], updated_at=now, **fields))
                changed.add(row["id"])
        if to_update:
            Article.objects.bulk_update(to_update, [*COMPARED, "updated_at"])

        changed |= self._relations(batch, ids, existing_ids={r["id"] for r in existing.values()})
        if changed - {a.pk for a in new}:
            Article.objects.filter(pk__in=changed).exclude(pk__in=[a.pk for a in new]).update(
                updated_at=now
            )
        labels = [
            ArticleLabel(article_id=ids[r.external_id], label=r.label)
            for r in batch
            if r.label is not None
        ]
        if labels:
            ArticleLabel.objects.bulk_create(
                labels, update_conflicts=True, unique_fields=["article"], update_fields=["label"]
            )
        # Bulk writes send no signal: name what readers will see differently.
        content_changed(*article_tags([a.pk for a in new] + sorted(changed)))
        self.totals.created += len(new)
        self.totals.updated += len(changed - {a.pk for a in new})
        self.totals.unchanged += len(existing) - len(changed)
        # Vectors missing after an interrupted run are filled in too.
        missing = {row["id"] for row in existing.values() if not row["has_vector"]}
        return [a.pk for a in new] + sorted(changed | missing)

    def _free_slugs(self, values: dict, existing: dict) -> None:
        """A slug taken by another article (not this corpus line) gets the id appended."""
        taken = dict(
            Article.objects.filter(slug__in=[f["slug"] for f in values.values()]).values_list(
                "slug", "external_id"
            )
        )
        for key, fields in values.items():
            owner = taken.get(fields["slug"], key)
            if owner != key:
                fields["slug"] = f"{fields['slug'][:230]}-{slugify(key)}"

    def _relations(self, batch: list[Record], ids: dict, existing_ids: set[int]) -> set[int]:
        """Bylines, interviewees and tags as the file says; returns articles whose set changed."""
        catalog = self.catalog
        want_authors, want_people, want_tags = {}, {}, {}
        for r in batch:
            pk = ids[r.external_id]
            want_authors[pk] = [
                catalog.author(a["slug"], name=a["name"], role=a["role"]) for a in r.authors
            ]
            want_authors[pk] = list(dict.fromkeys(want_authors[pk]))
            want_people[pk] = (
                [
                    catalog.person(
                        r.interviewee["slug"],
                        name=r.interviewee["name"],
                        role=r.interviewee["role"],
                        organisation=r.interviewee["organisation"],
                    )
                ]
                if r.interviewee
                else []
            )
            want_tags[pk] = sorted({catalog.tag(t) for t in r.tags})

        have_authors, have_people, have_tags = {}, {}, {}
        if existing_ids:
            for article_id, author_id in ArticleAuthor.objects.filter(
                article_id__in=existing_ids
            ).values_list("article_id", "author_id"):
                have_authors.setdefault(article_id, []).append(author_id)
            for article_id, person_id in ArticlePerson.objects.filter(
                article_id__in=existing_ids
            ).values_list("article_id", "person_id"):
                have_people.setdefault(article_id, []).append(person_id)
            for article_id, tag_id in TaggedItem.objects.filter(
                content_type=catalog.article_type, object_id__in=existing_ids
            ).values_list("object_id", "tag_id"):
                have_tags.setdefault(article_id, []).append(tag_id)

        changed = set()
        stale_authors, stale_people, stale_tags = [], [], []
        new_authors, new_people, new_tags = [], [], []
        for pk in want_authors:
            if have_authors.get(pk, []) != want_authors[pk]:
                stale_authors.append(pk)
                new_authors += [
                    ArticleAuthor(article_id=pk, author_id=a, position=i)
                    for i, a in enumerate(want_authors[pk])
                ]
            if have_people.get(pk, []) != want_people[pk]:
                stale_people.append(pk)
                new_people += [
                    ArticlePerson(
                        article_id=pk, person_id=p, position=i, role=ArticlePerson.Role.INTERVIEWEE
                    )
                    for i, p in enumerate(want_people[pk])
                ]
            if sorted(have_tags.get(pk, [])) != want_tags[pk]:
                stale_tags.append(pk)
                new_tags += [
                    TaggedItem(content_type=catalog.article_type, object_id=pk, tag_id=t)
                    for t in want_tags[pk]
                ]
        for model, pks, rows, column in (
            (ArticleAuthor, stale_authors, new_authors, "article_id"),
            (ArticlePerson, stale_people, new_people, "article_id"),
            (TaggedItem, stale_tags, new_tags, "object_id"),
        ):
            existing_pks = [pk for pk in pks if pk in existing_ids]
            if existing_pks:
                queryset = model.objects.filter(**{f"{column}__in": existing_pks})
                if model is TaggedItem:
                    queryset = queryset.filter(content_type=catalog.article_type)
                queryset.delete()
            model.objects.bulk_create(rows)
            changed.update(pk for pk in existing_pks)
        return changed


def _close_connection() -> None:
    connection.close()  # run on the worker thread: its own connection


class VectorWriter:
    """Search vectors of committed batches, computed while the next batch is written.

    Parsing the text is most of PostgreSQL's work: on a second connection it
    runs on the second core. Inside an outer transaction (tests, a caller's
    atomic block) other connections cannot see the rows, so it runs inline.
    """

    def __init__(self):
        self.inline = transaction.get_connection().in_atomic_block
        self.pool = None if self.inline else ThreadPoolExecutor(max_workers=1)
        self.pending: Future | None = None

    def submit(self, ids: list[int]) -> None:
        if not ids:
            return
        if self.inline:
            update_search_vectors(ids)
            return
        self.wait()  # one batch in flight: bounded memory, errors surface promptly
        self.pending = self.pool.submit(update_search_vectors, ids)

    def wait(self) -> None:
        if self.pending is not None:
            self.pending.result()
            self.pending = None

    def close(self) -> None:
        if self.pool is None:
            return
        try:
            self.wait()
        finally:
            self.pool.submit(_close_connection).result()
            self.pool.shutdown()


class Command(BaseCommand):
    help = "Importa articoli da un file JSON Lines (formato di make_corpus.py); ripetibile."

    def add_arguments(self, parser):
        parser.add_argument("file", help="file .jsonl, una riga per articolo")
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument(
            "--dry-run", action="store_true", help="controlla ogni riga senza scrivere nulla"
        )

    def handle(self, *args, file, batch_size, dry_run, verbosity, **options):
        try:
            size = os.path.getsize(file)
            handle = open(file, "rb")  # binary: byte offsets drive the progress bar
        except OSError as exc:
            raise CommandError(f"impossibile leggere {file}: {exc.strerror}") from None
        if not dry_run:
            ensure_configuration()  # the TEXT_SEARCH_CONFIG language may be new here
        importer = Importer()
        vectors = VectorWriter()
        progress = Progress(size, verbosity=verbosity, stream=self.stderr)
        started = time.monotonic()
        batch: list[Record] = []
        done_bytes = 0
        seen = 0
        number = 0

        def refuse(line: int, reason: str) -> CommandError:
            kept = importer.totals.created + importer.totals.updated
            return CommandError(
                f"riga {line}: {reason}; nessun articolo di questo blocco è stato scritto "
                f"({kept} già importati restano: correggi la riga e ripeti il comando)"
            )

        def write(records: list[Record]) -> None:
            try:
                vectors.submit(importer.write(records))
            except LineError as exc:
                raise refuse(exc.line, str(exc)) from None

        with handle, contextlib.closing(vectors):
            # readline with a limit: a file without newlines cannot fill the memory.
            while raw := handle.readline(MAX_LINE_BYTES + 1):
                number += 1
                done_bytes += len(raw)
                if len(raw) > MAX_LINE_BYTES:
                    raise refuse(number, f"la riga supera {MAX_LINE_BYTES // 2**20} MB")
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise refuse(
                        number, f"il testo non è UTF-8 (byte {exc.start + 1} della riga)"
                    ) from None
                if not text.strip():
                    continue
                try:
                    batch.append(parse_line(text, number))
                except LineError as exc:
                    raise refuse(number, str(exc)) from None
                seen += 1
                if len(batch) >= batch_size:
                    if not dry_run:
                        write(batch)
                    batch = []
                    progress.update(done_bytes, seen)
            if batch and not dry_run:
                write(batch)
        if not seen:
            raise CommandError(f"{file}: il file non contiene nessun articolo")
        progress.update(size, seen)
        progress.finish()
        elapsed = time.monotonic() - started
        totals, created = importer.totals, importer.catalog.created
        if dry_run:
            self.stdout.write(f"{seen} righe valide; nulla è stato scritto (--dry-run).")
            return
        analyze_imported()
        if verbosity >= 1:
            self.stdout.write(
                f"{seen} articoli letti in {elapsed:.1f} s: {totals.created} nuovi, "
                f"{totals.updated} aggiornati, {totals.unchanged} invariati. "
                f"Nuove sezioni {created['sections']}, autori {created['authors']}, "
                f"persone {created['people']}, tag {created['tags']}."
            )
