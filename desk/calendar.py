"""The planning calendar: planned, scheduled and published stories by day.

Two queries whatever the range (articles, assignments), plus the two small
lists the filters offer (sections, people).
"""

from __future__ import annotations

import calendar as pycalendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from articles.models import Article, Section
from desk.models import Assignment


@dataclass
class Entry:
    kind: str  # planned | scheduled | published
    when: datetime
    title: str
    section: Section
    url_name: str
    pk: int
    who: str = ""


@dataclass
class Day:
    date: date
    in_month: bool
    is_today: bool
    entries: list[Entry] = field(default_factory=list)


def period(view: str, anchor: date) -> tuple[date, date]:
    """First and last day shown: a Monday-to-Sunday week, or the weeks covering a month."""
    if view == "week":
        start = anchor - timedelta(days=anchor.weekday())
        return start, start + timedelta(days=6)
    first = anchor.replace(day=1)
    last = first.replace(day=pycalendar.monthrange(first.year, first.month)[1])
    return first - timedelta(days=first.weekday()), last + timedelta(days=6 - last.weekday())


def section_family(sections: list[Section], root_id: int) -> list[int]:
    children: dict[int | None, list[int]] = {}
    for section in sections:
        children.setdefault(section.parent_id, []).append(section.pk)
    ids, stack = [], [root_id]
    while stack:
        pk = stack.pop()
        ids.append(pk)
        stack.extend(children.get(pk, []))
    return ids


def filter_choices() -> tuple[list[Section], list]:
    sections = list(Section.objects.select_related("parent").order_by("parent_id", "position"))
    people = list(
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .only("first_name", "last_name", "username")
        .order_by("first_name", "last_name", "username")
    )
    return sections, people


def calendar_days(
    *,
    user,
    view: str,
    anchor: date,
    sections: list[Section],
    section_id: int | None = None,
    person_id: int | None = None,
    now: datetime | None = None,
) -> list[Day]:
    now = now or timezone.now()
    first, last = period(view, anchor)
    start = timezone.make_aware(datetime.combine(first, time.min))
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))
    by_id = {s.pk: s for s in sections}

    articles = Article.objects.visible_in_admin(user).filter(
        status=Article.Status.PUBLISHED, publish_at__gte=start, publish_at__lt=end
    )
    assignments = Assignment.objects.filter(due_at__gte=start, due_at__lt=end).exclude(
        state=Assignment.State.DROPPED
    )
    # Once the story is out (or scheduled) the article stands for it.
    assignments = assignments.filter(
        Q(article__isnull=True) | ~Q(article__status=Article.Status.PUBLISHED)
    )
    if section_id is not None:
        family = section_family(sections, section_id)
        articles = articles.filter(section__in=family)
        assignments = assignments.filter(section__in=family)
    if person_id is not None:
        person = get_user_model()(pk=person_id)
        articles = articles.owned_by(person)
        assignments = assignments.filter(assignee=person_id)

    entries = [
        Entry(
            kind="scheduled" if a.publish_at > now else "published",
            when=a.publish_at,
            title=a.title,
            section=by_id.get(a.section_id),
            url_name="admin:articles_article_change",
            pk=a.pk,
        )
        for a in articles.only("title", "publish_at", "section_id").order_by("publish_at")
    ]
    entries += [
        Entry(
            kind="planned",
            when=a.due_at,
            title=a.title,
            section=by_id.get(a.section_id),
            url_name="admin:desk_assignment_change",
            pk=a.pk,
            who=(a.assignee.get_full_name() or a.assignee.get_username()) if a.assignee else "",
        )
        for a in assignments.select_related("assignee")
        .only(
            "title",
            "due_at",
            "section_id",
            "assignee__first_name",
            "assignee__last_name",
            "assignee__username",
        )
        .order_by("due_at")
    ]
    today = timezone.localdate(now)
    days = {}
    day = first
    while day <= last:
        days[day] = Day(date=day, in_month=day.month == anchor.month, is_today=day == today)
        day += timedelta(days=1)
    for entry in sorted(entries, key=lambda e: e.when):
        days[timezone.localdate(entry.when)].entries.append(entry)
    return list(days.values())
