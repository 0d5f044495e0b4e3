"""Print, as JSON, the URLs the benchmark measures on our site (run under its settings).

Whatever pages exist are measured: a page type that is missing is reported so
the table shows it, instead of failing the run.
"""

import json
import math
import re
import sys

import django


def main() -> None:
    django.setup()
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from articles.models import Article, RelatedArticle, Section

    client = Client()

    def first(*candidates):
        """The first candidate (URL name, or a plain path) that answers 200."""
        for candidate in candidates:
            if isinstance(candidate, str):
                url = candidate
            else:
                name, kwargs, suffix = candidate
                try:
                    url = reverse(name, kwargs=kwargs) + suffix
                except NoReverseMatch:
                    continue
            if client.get(url).status_code == 200:
                return url
        return None

    published = Article.objects.published().newest_first()
    with_related = published.filter(pk__in=RelatedArticle.objects.values("article_id")).first()
    article = with_related or published.first()
    section = max(
        Section.objects.filter(parent__isnull=True, is_active=True),
        key=lambda s: published.in_section(s).count(),
    )
    per_page = 20
    try:
        from articles.views import PAGE_SIZE as per_page
    except ImportError:
        pass
    last_page = max(1, math.ceil(published.in_section(section).count() / per_page))
    urls = {
        "article": article.get_absolute_url(),
        "home": "/",
        "section p.1": section.get_absolute_url(),
        f"section p.{last_page}": f"{section.get_absolute_url()}?page={last_page}",
        "search": first(("articles:search", {}, "?q=telemedicina")),
        "rss": first(
            ("articles:feed", {}, ""),
            ("articles:rss", {}, ""),
            ("articles:latest-feed", {}, ""),
            ("feed", {}, ""),
            "/feed/",
            "/rss/",
            "/feed.xml",
        ),
        "sitemap": None,
    }
    index = client.get("/sitemap.xml")
    if index.status_code == 200:
        content = b"".join(index) if index.streaming else index.content
        locs = re.findall(rb"<loc>([^<]+)</loc>", content)
        children = [loc.decode() for loc in locs if b"sitemap" in loc]
        # The article sitemap is the heavy one; the index is a handful of lines.
        children.sort(key=lambda loc: "articol" not in loc)
        first_child = children[0] if children else "/sitemap.xml"
        urls["sitemap"] = re.sub(r"^https?://[^/]+", "", first_child)
    for name, url in urls.items():
        if url and name not in {"search", "rss"}:
            status = client.get(url).status_code
            if status != 200:
                print(f"warning: {name} {url} answers {status}", file=sys.stderr)
                urls[name] = None
    print(
        json.dumps(
            {
                "urls": urls,
                "article_slug": article.slug,
                "article_pk": article.pk,
                "has_related": RelatedArticle.objects.filter(article=article).exists(),
                "section_slug": section.slug,
                "last_page": last_page,
                "count": Article.objects.published().count(),
            }
        )
    )


if __name__ == "__main__":
    main()
