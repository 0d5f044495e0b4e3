"""The desk's home page: what needs me now, in a fixed number of queries.

Every list comes with its total from the same query (a window COUNT), and
the article lists are one query for all buckets: each row is put in its
bucket by a CASE and ranked inside it (ROW_NUMBER), then cut to LIMIT rows
per bucket. The page costs the same with 50 articles or 100,000.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from articles.models import Article
from articles.querysets import published_q
from desk.models import Assignment, EditorialComment, Notification

LIMIT = 6
RECENT_DAYS = 7
BUCKETS = ["drafts", "review", "scheduled_today", "scheduled_week", "published"]


def is_editor(user) -> bool:
    return user.has_perm("articles.edit_any_article")


def article_buckets(*, user, now: datetime, limit: int = LIMIT) -> dict[str, dict]:
    """{bucket: {"items": [...], "total": n}} for the five article lists, in one query."""
    end_of_today = timezone.make_aware(
        datetime.combine(timezone.localdate(now) + timedelta(days=1), time.min)
    )
    mine = Q(pk__in=Article.objects.owned_by(user).values("pk"))
    review = Q(status=Article.Status.REVIEW)
    if not is_editor(user):
        review &= mine
    scheduled = Q(status=Article.Status.PUBLISHED, publish_at__gt=now)
    bucket = Case(
        When(Q(status=Article.Status.DRAFT) & mine, then=Value("drafts")),
        When(review, then=Value("review")),
        When(scheduled & Q(publish_at__lt=end_of_today), then=Value("scheduled_today")),
        When(scheduled & Q(publish_at__lte=now + timedelta(days=7)), then=Value("scheduled_week")),
        When(
            published_q(now) & Q(publish_at__gte=now - timedelta(days=RECENT_DAYS)),
            then=Value("published"),
        ),
        default=None,
        output_field=CharField(),
    )
    # Scheduled and waiting-for-review lists read oldest/soonest first, the others newest first.
    ascending = Case(
        When(status=Article.Status.REVIEW, then=F("updated_at")),
        When(scheduled, then=F("publish_at")),
        default=None,
    )
    descending = Case(
        When(status=Article.Status.PUBLISHED, then=F("publish_at")), default=F("updated_at")
    )
    rows = (
        Article.objects.visible_in_admin(user)
        .annotate(bucket=bucket)
        .filter(bucket__isnull=False)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("bucket")],
                order_by=[ascending.asc(nulls_last=True), descending.desc(), F("pk").desc()],
            ),
            total=Window(Count("pk"), partition_by=[F("bucket")]),
        )
        .filter(rank__lte=limit)
        .select_related("section__parent", "last_modified_by")
        .only(
            "title",
            "status",
            "publish_at",
            "updated_at",
            "section__name",
            "section__parent__name",
            "last_modified_by__first_name",
            "last_modified_by__last_name",
            "last_modified_by__username",
        )
        .order_by("bucket", "rank")
    )
    buckets = {name: {"items": [], "total": 0} for name in BUCKETS}
    for article in rows:
        buckets[article.bucket]["items"].append(article)
        buckets[article.bucket]["total"] = article.total
    return buckets


def corrections_requested(*, user, limit: int = LIMIT) -> dict:
    """Articles with unresolved editorial comments: the editor asked for changes."""
    open_comments = EditorialComment.objects.filter(
        article=OuterRef("pk"), resolved_at__isnull=True
    )
    articles = Article.objects.visible_in_admin(user).filter(Exists(open_comments))
    if not is_editor(user):
        articles = articles.owned_by(user)
    rows = list(
        articles.annotate(
            open_count=Count(
                "editorial_comments", filter=Q(editorial_comments__resolved_at__isnull=True)
            ),
            total=Window(Count("pk")),
        )
        .select_related("section__parent")
        .only("title", "status", "section__name", "section__parent__name")
        .order_by("-updated_at", "-pk")[:limit]
    )
    return {"items": rows, "total": rows[0].total if rows else 0}


def my_assignments(*, user, limit: int = LIMIT) -> dict:
    rows = list(
        Assignment.objects.filter(
            assignee=user,
            state__in=[
                Assignment.State.PITCHED,
                Assignment.State.ASSIGNED,
                Assignment.State.WRITING,
            ],
        )
        .select_related("section__parent", "article")
        .only(
            "title",
            "due_at",
            "state",
            "section__name",
            "section__parent__name",
            "article__title",
            "article__status",
        )
        .annotate(total=Window(Count("pk")))
        .order_by("due_at", "pk")[:limit]
    )
    return {"items": rows, "total": rows[0].total if rows else 0}


def unread_notifications(*, user, limit: int = LIMIT) -> dict:
    rows = list(
        Notification.objects.filter(recipient=user, read_at__isnull=True)
        .select_related("actor", "article")
        .only(
            "text",
            "kind",
            "created_at",
            "actor__first_name",
            "actor__last_name",
            "actor__username",
            "article__title",
            "assignment_id",
        )
        .annotate(total=Window(Count("pk")))
        .order_by("-created_at", "-pk")[:limit]
    )
    return {"items": rows, "total": rows[0].total if rows else 0}


def verification_waiting(*, user) -> int | None:
    """Readers' professional profiles waiting for a decision, for those who decide."""
    if not user.has_perm("readers.verify_professional"):
        return None
    from readers.models import ProfessionalProfile

    return ProfessionalProfile.objects.filter(state=ProfessionalProfile.State.DECLARED).count()


def open_rettifiche(*, user, now: datetime) -> dict | None:
    """Correction requests still running on their 48-hour clock, for those who decide."""
    from standards import deadlines

    if not deadlines.can_handle(user):
        return None
    return deadlines.open_requests(now=now, limit=LIMIT)


def desk_home(*, user, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    return {
        "desk": article_buckets(user=user, now=now),
        "desk_corrections": corrections_requested(user=user),
        "desk_assignments": my_assignments(user=user),
        "desk_notifications": unread_notifications(user=user),
        "desk_is_editor": is_editor(user),
        "desk_verification": verification_waiting(user=user),
        "desk_rettifiche": open_rettifiche(user=user, now=now),
        "desk_now": now,
    }
