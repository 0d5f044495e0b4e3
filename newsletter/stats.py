"""Figures editors use, built without tracking readers.

Per edition: deliveries (sent), bounces and complaints as they came back,
departures attributed to the last edition the person received (with the
reason they chose), and clicks per article counted by the first-party
redirect. There are no open pixels at all: opens need consent (EDPB
Guidelines 2/2023) and are unreliable anyway (Apple Mail Privacy Protection).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.urls import Resolver404, resolve
from django.utils import timezone

from articles.models import Article
from newsletter.models import (
    Bounce,
    ConsentRecord,
    Delivery,
    Edition,
    EditionArticle,
    Unsubscription,
)


@dataclass
class ArticleClicks:
    title: str
    url: str
    clicks: int


@dataclass
class EditionFigures:
    edition: Edition
    recipients: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    delivered: int = 0
    bounced: int = 0
    soft_bounced: int = 0
    complained: int = 0
    unsubscribed: int = 0
    reasons: list[tuple[str, int]] = field(default_factory=list)
    articles: list[ArticleClicks] = field(default_factory=list)

    @property
    def clicks(self) -> int:
        return sum(article.clicks for article in self.articles)

    def rate(self, value: int) -> str:
        """A share of the messages sent, as editors read it (e.g. «1,5%»)."""
        if not self.sent:
            return "—"
        return f"{100 * value / self.sent:.1f}%".replace(".", ",")


def edition_figures(edition: Edition) -> EditionFigures:
    figures = EditionFigures(edition=edition)
    counts = edition.deliveries.counts()
    figures.recipients = sum(counts.values())
    figures.sent = counts[Delivery.Status.SENT]
    figures.failed = counts[Delivery.Status.FAILED]
    figures.skipped = counts[Delivery.Status.SKIPPED]
    returned = edition.bounces.aggregate(
        hard=Count("delivery", distinct=True, filter=Q(kind=Bounce.Kind.HARD)),
        hard_after=Count(
            "delivery",
            distinct=True,
            filter=Q(kind=Bounce.Kind.HARD, delivery__status=Delivery.Status.SENT),
        ),
        soft=Count("delivery", distinct=True, filter=Q(kind=Bounce.Kind.SOFT)),
        complaints=Count("id", filter=Q(kind=Bounce.Kind.COMPLAINT)),
    )
    figures.bounced = returned["hard"]
    figures.soft_bounced = returned["soft"]
    figures.complained = returned["complaints"]
    # Accepted by the receiving server, minus what bounced after acceptance.
    figures.delivered = figures.sent - returned["hard_after"]
    labels = dict(Unsubscription.Reason.choices)
    reasons = (
        edition.unsubscriptions.values("reason").annotate(n=Count("id")).order_by("-n", "reason")
    )
    figures.reasons = [(labels.get(row["reason"], row["reason"]), row["n"]) for row in reasons]
    figures.unsubscribed = sum(n for _, n in figures.reasons)
    figures.articles = [
        ArticleClicks(
            title=item.article.title,
            url=item.article.get_absolute_url(),
            clicks=item.clicks,
        )
        for item in EditionArticle.objects.filter(edition=edition)
        .select_related("article__section")
        .order_by("position", "id")
    ]
    return figures


def edition_figures_csv(figures: EditionFigures) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    edition = figures.edition
    writer.writerow(["edizione", edition.subject])
    writer.writerow(["newsletter", edition.newsletter.name if edition.newsletter else "tutti"])
    writer.writerow(["iniziata il", edition.started_at.isoformat() if edition.started_at else ""])
    writer.writerow([])
    writer.writerow(["misura", "valore"])
    for label, value in [
        ("destinatari", figures.recipients),
        ("inviate", figures.sent),
        ("consegnate", figures.delivered),
        ("rimbalzate", figures.bounced),
        ("rimbalzi temporanei", figures.soft_bounced),
        ("segnalate come spam", figures.complained),
        ("cancellazioni", figures.unsubscribed),
        ("clic", figures.clicks),
    ]:
        writer.writerow([label, value])
    writer.writerow([])
    writer.writerow(["motivo della cancellazione", "cancellazioni"])
    writer.writerows(figures.reasons)
    writer.writerow([])
    writer.writerow(["articolo", "indirizzo", "clic"])
    for article in figures.articles:
        writer.writerow([article.title, article.url, article.clicks])
    return out.getvalue()


@dataclass
class SourceRow:
    page: str
    label: str
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


def signup_sources(*, weeks: int = 8, now: datetime | None = None) -> tuple[list, list]:
    """Confirmed signups per signup page and week (Monday), newest week first."""
    now = timezone.localtime(now or timezone.now())
    this_monday = (now - timedelta(days=now.weekday())).date()
    starts = [this_monday - timedelta(weeks=n) for n in range(weeks)]
    since = timezone.make_aware(datetime.combine(starts[-1], datetime.min.time()))
    rows = (
        ConsentRecord.objects.filter(confirmed_at__gte=since)
        .annotate(week=TruncWeek("confirmed_at"))
        .values("page", "week")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_page: dict[str, dict] = {}
    for row in rows:
        week = timezone.localtime(row["week"]).date() if row["week"] else None
        by_page.setdefault(row["page"], {})[week] = row["n"]
    labels = _page_labels(list(by_page))
    table = [
        SourceRow(page=page, label=labels[page], counts=[weeks_.get(start, 0) for start in starts])
        for page, weeks_ in by_page.items()
    ]
    table.sort(key=lambda row: (-row.total, row.page))
    return starts, table


def _page_labels(pages: list[str]) -> dict[str, str]:
    """A readable name per signup page: the article's title where it was one."""
    labels, slugs = {}, {}
    for page in pages:
        labels[page] = page or "(pagina sconosciuta)"
        try:
            match = resolve(page) if page else None
        except Resolver404:
            match = None
        if match is None:
            continue
        if match.view_name == "articles:detail":
            slugs[match.kwargs["slug"]] = page
        elif match.view_name == "articles:home":
            labels[page] = "Prima pagina"
        elif match.view_name == "newsletter:subscribe":
            labels[page] = "Pagina della newsletter"
    for slug, title in Article.objects.filter(slug__in=slugs).values_list("slug", "title"):
        labels[slugs[slug]] = title
    return labels
