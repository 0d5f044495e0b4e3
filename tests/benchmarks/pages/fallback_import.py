"""Load a make_corpus.py JSONL file when `manage.py import_articles` is not available.

Bulk inserts (sections, authors, people, tags, articles as published), then
the stored search vectors. Used only by the benchmark, on its own database.
"""

import json
import sys
from datetime import datetime

import django


def main(path: str) -> None:
    django.setup()
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from taggit.models import Tag, TaggedItem

    from articles.models import Article, ArticleAuthor, ArticlePerson, Author, Person, Section
    from articles.sanitize import clean_html
    from articles.search import update_search_vectors

    with open(path, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]

    with transaction.atomic():
        names = {r["section"]: r["section_name"] for r in rows}
        parents = {r["section"]: r["section_parent"] for r in rows if r.get("section_parent")}
        sections: dict[str, Section] = {}

        def section(slug):
            if slug not in sections:
                parent = section(parents[slug]) if slug in parents else None
                sections[slug], _ = Section.objects.get_or_create(
                    slug=slug, defaults={"name": names.get(slug, slug), "parent": parent}
                )
            return sections[slug]

        for slug in names:
            section(slug)

        authors = {}
        people = {}
        for r in rows:
            for a in r["authors"]:
                authors.setdefault(a["slug"], a)
            if r.get("interviewee"):
                people.setdefault(r["interviewee"]["slug"], r["interviewee"])
        Author.objects.bulk_create(
            [
                Author(name=a["name"], slug=a["slug"], role=a.get("role", ""))
                for a in authors.values()
            ],
            ignore_conflicts=True,
        )
        Person.objects.bulk_create(
            [
                Person(
                    name=p["name"],
                    slug=p["slug"],
                    role=p.get("role", ""),
                    organisation=p.get("organisation", ""),
                )
                for p in people.values()
            ],
            ignore_conflicts=True,
        )
        author_ids = dict(Author.objects.values_list("slug", "pk"))
        person_ids = dict(Person.objects.values_list("slug", "pk"))
        tag_names = sorted({t for r in rows for t in r["tags"]})
        Tag.objects.bulk_create(
            [Tag(name=t, slug=_slug(t)) for t in tag_names], ignore_conflicts=True
        )
        tag_ids = {t.name: t.pk for t in Tag.objects.all()}
        article_type = ContentType.objects.get_for_model(Article)

        for start in range(0, len(rows), 1000):
            batch = rows[start : start + 1000]
            created = Article.objects.bulk_create(
                [
                    Article(
                        title=r["title"],
                        slug=r["slug"],
                        standfirst=r["standfirst"],
                        body=clean_html(r["body_html"]),
                        kind=r.get("kind", "news"),
                        section=sections[r["section"]],
                        status=Article.Status.PUBLISHED,
                        publish_at=datetime.fromisoformat(r["published_at"]),
                        first_published_at=datetime.fromisoformat(r["published_at"]),
                        is_featured=r.get("is_featured", False),
                        external_id=r["id"],
                    )
                    for r in batch
                ]
            )
            ArticleAuthor.objects.bulk_create(
                [
                    ArticleAuthor(article=a, author_id=author_ids[au["slug"]], position=i)
                    for a, r in zip(created, batch, strict=True)
                    for i, au in enumerate(r["authors"])
                ]
            )
            ArticlePerson.objects.bulk_create(
                [
                    ArticlePerson(
                        article=a,
                        person_id=person_ids[r["interviewee"]["slug"]],
                        role=ArticlePerson.Role.INTERVIEWEE,
                    )
                    for a, r in zip(created, batch, strict=True)
                    if r.get("interviewee")
                ]
            )
            TaggedItem.objects.bulk_create(
                [
                    TaggedItem(content_type=article_type, object_id=a.pk, tag_id=tag_ids[t])
                    for a, r in zip(created, batch, strict=True)
                    for t in r["tags"]
                ]
            )
            update_search_vectors(a.pk for a in created)
    print(f"{len(rows)} articles loaded (fallback loader)")


def _slug(name: str) -> str:
    from django.utils.text import slugify

    return slugify(name)[:100] or "tag"


if __name__ == "__main__":
    main(sys.argv[1])
