"""Import a WordPress export (WXR 1.2, Strumenti › Esporta in WordPress).

Why: newsrooms moving from WordPress keep their archive and their old links.
Categories become sections (nested ones keep their parent), tags stay tags,
WordPress users become authors, posts become articles (published, scheduled,
drafts and pending review; pages, attachments and trash are skipped), the
excerpt becomes the standfirst, the featured image's address is recorded (not
downloaded) and every post's old permalink answers with a redirect.

The file is read as a stream (defusedxml's iterparse: no entity expansion, no
external resources). Everything is written in one transaction: a truncated or
malformed file or a publication date outside 1900-2100 stops with one line and
leaves the database as it was. Posts are keyed on the site and the WordPress
post id, so importing the same file again changes nothing.
"""

from __future__ import annotations

import html
import re
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import unquote, urlsplit

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, iterparse
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag

from articles.freshness import article_changing, article_tags, content_changed
from articles.importing import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    Catalog,
    CatalogError,
    analyze_imported,
    unique_slug,
)
from articles.models import STANDFIRST_MAX_LENGTH, Article, ArticleAuthor, ArticleRedirect
from articles.sanitize import clean_html
from articles.search import update_search_vectors

CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
STATUSES = {
    "publish": Article.Status.PUBLISHED,
    "future": Article.Status.PUBLISHED,  # scheduled: publish_at in the future
    "draft": Article.Status.DRAFT,
    "auto-draft": Article.Status.DRAFT,
    "private": Article.Status.DRAFT,
    "pending": Article.Status.REVIEW,
}
COMPARED = ("title", "standfirst", "body", "section_id", "status", "publish_at")
_BLOCK = re.compile(r"^\s*<(?:p|h[1-6]|ul|ol|li|blockquote|figure|table|div|pre|hr)\b", re.I)
_TAGS = re.compile(r"<[^>]+>")


def split(tag: str) -> tuple[str, str]:
    """'{namespace}local' -> (namespace, local)."""
    if tag.startswith("{"):
        namespace, local = tag[1:].split("}", 1)
        return namespace, local
    return "", tag


def text_of(element, local: str, *, namespace_part: str | None = None) -> str:
    for child in element:
        namespace, name = split(child.tag)
        if name == local and (namespace_part is None or namespace_part in namespace):
            return (child.text or "").strip()
    return ""


def autop(content: str) -> str:
    """WordPress stores paragraphs as blank lines (wpautop adds <p> when rendering)."""
    chunks = [c.strip() for c in re.split(r"\n\s*\n", content.replace("\r\n", "\n"))]
    out = []
    for chunk in filter(None, chunks):
        if _BLOCK.match(chunk):
            out.append(chunk)
        else:
            out.append("<p>" + chunk.replace("\n", "<br>\n") + "</p>")
    return "\n".join(out)


def plain(value: str) -> str:
    return " ".join(html.unescape(_TAGS.sub(" ", value)).split())


def parse_wp_date(value: str) -> datetime | None:
    if not value or value.startswith("0000"):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


class Command(BaseCommand):
    help = "Importa un'esportazione di WordPress (WXR): sezioni, tag, autori, articoli, redirect."

    def add_arguments(self, parser):
        parser.add_argument("file", help="file .xml esportato da WordPress")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="legge tutto il file e riassume, senza salvare nulla",
        )

    def handle(self, *args, file, dry_run, verbosity, **options):
        started = time.monotonic()
        tags_before = Tag.objects.count()
        self.counts = dict.fromkeys(
            ("created", "updated", "unchanged", "skipped", "redirects", "images"), 0
        )
        try:
            with transaction.atomic():
                self.run(file)
                new_tags = Tag.objects.count() - tags_before
                if dry_run:
                    transaction.set_rollback(True)
        except ParseError as exc:
            line, column = exc.position
            raise CommandError(
                f"il file XML è incompleto o non valido (riga {line}, colonna {column}); "
                f"nulla è stato importato"
            ) from None
        except DefusedXmlException as exc:
            raise CommandError(
                f"il file XML contiene costrutti non ammessi ({type(exc).__name__}); "
                f"nulla è stato importato"
            ) from None
        except OSError as exc:
            raise CommandError(f"impossibile leggere {file}: {exc.strerror}") from None
        except CatalogError as exc:
            raise CommandError(f"{exc}; nulla è stato importato") from None
        if not dry_run:
            analyze_imported()
        if verbosity >= 1:
            c, created = self.counts, self.catalog.created
            self.stdout.write(
                f"WordPress importato in {time.monotonic() - started:.1f} s: {c['created']} "
                f"articoli nuovi, {c['updated']} aggiornati, {c['unchanged']} invariati, "
                f"{c['skipped']} elementi saltati (pagine, allegati, cestino); "
                f"{c['redirects']} nuovi redirect, {c['images']} immagini in evidenza "
                f"registrate. Nuove sezioni {created['sections']}, autori {created['authors']}, "
                f"tag {new_tags}."
                + (" Prova (--dry-run): nulla è stato salvato." if dry_run else "")
            )

    def run(self, file: str) -> None:
        self.site = ""
        self.catalog: Catalog | None = None
        self.categories: dict[str, tuple[str, str]] = {}  # nicename -> (name, parent)
        self.users: dict[str, str] = {}  # login -> display name
        self.attachments: dict[str, str] = {}  # post id -> file URL
        self.thumbnails: dict[int, str] = {}  # article pk -> attachment post id
        self.changed: list[int] = []
        channel = None
        for event, element in iterparse(file, events=("start", "end")):
            namespace, name = split(element.tag)
            if event == "start":
                if name == "channel" and channel is None:
                    channel = element
                continue
            if channel is None or element not in channel:
                continue
            if name in ("base_site_url", "link") and not self.site and element.text:
                self.site = urlsplit(element.text.strip()).netloc
            elif name == "author" and "wordpress.org/export" in namespace:
                login = text_of(element, "author_login")
                if login:
                    self.users[login] = plain(text_of(element, "author_display_name")) or login
            elif name == "category" and "wordpress.org/export" in namespace:
                nicename = unquote(text_of(element, "category_nicename"))
                if nicename:
                    self.categories[nicename] = (
                        plain(text_of(element, "cat_name")) or nicename,
                        unquote(text_of(element, "category_parent")),
                    )
            elif name == "item":
                self.item(element)
            channel.remove(element)  # constant memory: drop what has been handled
        if channel is None:
            raise CommandError("il file non è un'esportazione WordPress (manca <channel>)")
        self.featured_images()
        update_search_vectors(self.changed)
        # Written around the services: name what readers will see differently.
        content_changed(*article_tags(self.changed))

    def ensure_catalog(self) -> Catalog:
        if self.catalog is None:
            self.catalog = Catalog(prefix=f"wp:{self.site}:"[:60])
        return self.catalog

    def section_id(self, nicename: str, seen: frozenset = frozenset()) -> int:
        name, parent = self.categories.get(nicename, (nicename, ""))
        parent_id = None
        if parent and parent not in seen and parent != nicename:
            parent_id = self.section_id(parent, seen | {nicename})
        return self.ensure_catalog().section(nicename, name, parent_id)

    def item(self, element) -> None:
        catalog = self.ensure_catalog()
        post_type = text_of(element, "post_type") or "post"
        post_id = text_of(element, "post_id")
        if post_type == "attachment":
            url = text_of(element, "attachment_url") or text_of(element, "guid")
            if post_id and url:
                self.attachments[post_id] = url
            self.counts["skipped"] += 1
            return
        status = text_of(element, "status") or "publish"
        if post_type != "post" or status not in STATUSES:
            self.counts["skipped"] += 1
            return
        key = post_id or text_of(element, "guid") or text_of(element, "link")
        if not key:
            self.counts["skipped"] += 1
            return
        title = plain(text_of(element, "title")) or "Senza titolo"
        categories, tags = [], []
        for child in element:
            if split(child.tag)[1] != "category":
                continue
            label = plain(child.text or "")
            if child.get("domain") == "category":
                nicename = unquote(child.get("nicename") or "") or slugify(label)
                if nicename:
                    self.categories.setdefault(nicename, (label or nicename, ""))
                    categories.append(nicename)
            elif child.get("domain") == "post_tag" and label:
                tags.append(label[:100])
        if not categories:
            self.categories.setdefault("senza-categoria", ("Senza categoria", ""))
            categories = ["senza-categoria"]
        publish_at = parse_wp_date(text_of(element, "post_date_gmt"))
        if publish_at is None and status in ("publish", "future"):
            local = parse_wp_date(text_of(element, "post_date"))
            pub_date = text_of(element, "pubDate")
            if local:
                publish_at = timezone.make_aware(local.replace(tzinfo=None))
            elif pub_date:
                try:
                    publish_at = parsedate_to_datetime(pub_date)
                except (TypeError, ValueError):
                    publish_at = None
            publish_at = publish_at or timezone.now()
        if status not in ("publish", "future"):
            publish_at = None
        elif not EARLIEST_YEAR <= publish_at.year <= LATEST_YEAR:
            raise CommandError(
                f"articolo {key}: data di pubblicazione fuori dall'intervallo "
                f"{EARLIEST_YEAR}-{LATEST_YEAR} ({publish_at:%Y-%m-%d}); nulla è stato importato"
            )
        standfirst = plain(text_of(element, "encoded", namespace_part="excerpt"))
        fields = {
            "title": title[:250],
            "standfirst": standfirst[:STANDFIRST_MAX_LENGTH],
            "body": clean_html(autop(text_of(element, "encoded", namespace_part=CONTENT_NS))),
            "section_id": self.section_id(categories[0]),
            "status": STATUSES[status],
            "publish_at": publish_at,
        }
        external_id = f"{catalog.prefix}{key}"[:100]
        article = Article.objects.filter(external_id=external_id).first()
        created = article is None
        if created:
            slug = unquote(text_of(element, "post_name")) or title
            article = Article(
                external_id=external_id,
                slug=unique_slug(Article, slug, max_length=250),
                first_published_at=publish_at if status == "publish" else None,
                is_health_content=False,  # an editor decides; no source check on imports
                **fields,
            )
            article.save()
            changed = True
        else:
            article_changing(article)  # a move leaves lists it was in: purge those too
            changed = any(getattr(article, f) != v for f, v in fields.items())
            if changed:
                Article.objects.filter(pk=article.pk).update(**fields)
        creator = text_of(element, "creator")
        if creator:
            author_id = catalog.author(
                slugify(creator) or "autore", name=self.users.get(creator, creator)
            )
            if list(article.article_authors.values_list("author_id", flat=True)) != [author_id]:
                ArticleAuthor.objects.filter(article=article).delete()
                ArticleAuthor.objects.create(article=article, author_id=author_id)
                changed = True
        wanted = sorted({t.lower(): t for t in tags}.values(), key=str.lower)
        if sorted(n.lower() for n in article.tags.names()) != [t.lower() for t in wanted]:
            article.tags.set(wanted)
            changed = True
        if created:
            self.counts["created"] += 1
        elif changed:
            Article.objects.filter(pk=article.pk).update(updated_at=timezone.now())
            self.counts["updated"] += 1
        else:
            self.counts["unchanged"] += 1
        if changed:
            self.changed.append(article.pk)
        self.redirect(text_of(element, "link"), article)
        for meta in element:
            if split(meta.tag)[1] == "postmeta" and text_of(meta, "meta_key") == "_thumbnail_id":
                self.thumbnails[article.pk] = text_of(meta, "meta_value")

    def redirect(self, link: str, article: Article) -> None:
        path = urlsplit(link).path if link else ""
        if not path or path == "/":
            return  # drafts link to "/?p=123": nothing for readers to keep
        if path == article.get_absolute_url():
            return
        _, created = ArticleRedirect.objects.get_or_create(
            old_path=path[:500], defaults={"article": article}
        )
        self.counts["redirects"] += created

    def featured_images(self) -> None:
        for article_id, attachment_id in self.thumbnails.items():
            url = self.attachments.get(attachment_id, "")[:500]
            if url:
                self.counts["images"] += (
                    Article.objects.filter(pk=article_id)
                    .exclude(lead_image_source_url=url)
                    .update(lead_image_source_url=url)
                )
