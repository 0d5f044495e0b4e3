"""Load the benchmark corpus (JSON Lines from make_corpus.py) as Wagtail pages.

Pages are added with treebeard's add_child, as any Wagtail import does; the
search index is built once at the end by update_index.
"""

import json
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from wagtail.models import Page, Site

from news.models import Author, HomePage, NewsPage, SectionPage


class Command(BaseCommand):
    help = "Load a make_corpus.py JSONL file as home, section and article pages."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, path, **options):
        if HomePage.objects.exists():
            raise CommandError("the site already has content; load into an empty database")
        with open(path, encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh if line.strip()]
        with transaction.atomic():
            home = self.make_home()
            sections = self.make_sections(home, rows)
            authors = self.make_authors(rows)
            for count, row in enumerate(rows, start=1):
                self.add_article(sections[row["section"]], authors, row)
                if count % 5000 == 0:
                    self.stdout.write(f"{count} articoli")
        self.stdout.write(f"{len(rows)} articoli caricati")

    def make_home(self):
        root = Page.get_first_root_node()
        for page in root.get_children():
            page.delete()
        root.refresh_from_db()
        home = root.add_child(instance=HomePage(title="Notizie", slug="home"))
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={"hostname": "localhost", "root_page": home, "site_name": "Notizie"},
        )
        return home

    def make_sections(self, home, rows):
        names, parents = {}, {}
        for row in rows:
            names[row["section"]] = row["section_name"]
            if row.get("section_parent"):
                parents[row["section"]] = row["section_parent"]
                names.setdefault(row["section_parent"], row["section_parent"].title())
        pages = {}

        def make(slug):
            if slug not in pages:
                parent = make(parents[slug]) if slug in parents else home
                pages[slug] = parent.add_child(
                    instance=SectionPage(
                        title=names[slug], slug=slug, show_in_menus=slug not in parents
                    )
                )
            return pages[slug]

        for slug in names:
            make(slug)
        return pages

    def make_authors(self, rows):
        authors = {}
        for row in rows:
            for author in row["authors"]:
                authors.setdefault(author["slug"], author)
        Author.objects.bulk_create(
            [
                Author(name=a["name"], slug=a["slug"], role=a.get("role", ""))
                for a in authors.values()
            ]
        )
        return {a.slug: a for a in Author.objects.all()}

    def add_article(self, section, authors, row):
        date = datetime.fromisoformat(row["published_at"])
        page = NewsPage(
            title=row["title"],
            slug=row["slug"],
            standfirst=row["standfirst"],
            body=row["body_html"],
            kind=row.get("kind", "news"),
            date=date,
            first_published_at=date,
            last_published_at=date,
        )
        page.authors = [authors[a["slug"]] for a in row["authors"]]
        page.tags.add(*row["tags"])
        section.add_child(instance=page)
