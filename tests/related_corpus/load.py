"""Load corpus records (generate.py or make_corpus.py format) into the database, fast.

Bulk-creates articles, tags, interviewees and evaluation labels, then fills
the search vectors in batches; no per-article save, so no refresh task is
queued (the caller rebuilds the related lists once).

    DATABASE_URL=... python -m tests.related_corpus.load corpus.jsonl [--replace]
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime

BATCH = 2000


def load_records(records, *, batch: int = BATCH) -> int:
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone
    from taggit.models import Tag, TaggedItem

    from articles.models import Article, ArticleLabel, ArticlePerson, Person, Section
    from articles.search import ensure_configuration, update_search_vectors

    ensure_configuration()
    sections: dict[str, Section] = {}
    people: dict[str, Person] = {p.slug: p for p in Person.objects.all()}
    tags: dict[str, Tag] = {t.name: t for t in Tag.objects.all()}
    content_type = ContentType.objects.get_for_model(Article)
    count = 0
    chunk: list[dict] = []

    def flush(chunk: list[dict]) -> None:
        for record in chunk:
            slug = record.get("section") or "notizie"
            if slug not in sections:
                sections[slug] = Section.objects.get_or_create(
                    slug=slug, defaults={"name": record.get("section_name") or slug}
                )[0]
        now = timezone.now()
        articles = Article.objects.bulk_create(
            [
                Article(
                    title=r["title"][:250],
                    slug=r["slug"][:250],
                    standfirst=r.get("standfirst", ""),
                    body=r.get("body_html", ""),
                    section=sections[r.get("section") or "notizie"],
                    kind=r.get("kind") or "news",
                    status=Article.Status.PUBLISHED,
                    publish_at=datetime.fromisoformat(r["published_at"])
                    if r.get("published_at")
                    else now,
                    first_published_at=datetime.fromisoformat(r["published_at"])
                    if r.get("published_at")
                    else now,
                    external_id=r.get("id"),
                )
                for r in chunk
            ]
        )
        new_tags = {n for r in chunk for n in r.get("tags") or []} - set(tags)
        for tag in Tag.objects.bulk_create([Tag(name=n, slug=n.lower()) for n in new_tags]):
            tags[tag.name] = tag
        TaggedItem.objects.bulk_create(
            [
                TaggedItem(tag=tags[n], content_type=content_type, object_id=a.pk)
                for a, r in zip(articles, chunk, strict=True)
                for n in set(r.get("tags") or [])
            ]
        )
        links = []
        for article, record in zip(articles, chunk, strict=True):
            person = record.get("interviewee")
            if person:
                if person["slug"] not in people:
                    people[person["slug"]] = Person.objects.create(
                        name=person["name"], slug=person["slug"]
                    )
                links.append(
                    ArticlePerson(
                        article=article, person=people[person["slug"]], role="interviewee"
                    )
                )
        ArticlePerson.objects.bulk_create(links)
        ArticleLabel.objects.bulk_create(
            [
                ArticleLabel(article=a, label=r["label"])
                for a, r in zip(articles, chunk, strict=True)
                if r.get("label")
            ]
        )
        update_search_vectors([a.pk for a in articles])

    for record in records:
        chunk.append(record)
        if len(chunk) >= batch:
            flush(chunk)
            count += len(chunk)
            chunk = []
    if chunk:
        flush(chunk)
        count += len(chunk)
    return count


def main() -> None:
    import django

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--replace", action="store_true", help="delete every article first")
    args = parser.parse_args()
    django.setup()
    from django.db import transaction

    from articles.models import Article

    with transaction.atomic():
        if args.replace:
            Article.objects.all().delete()
        with open(args.path, encoding="utf-8") as handle:
            count = load_records(json.loads(line) for line in handle if line.strip())
    sys.stdout.write(f"{count} articles\n")


if __name__ == "__main__":
    main()
