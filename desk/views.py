"""The desk's pages inside the admin (wrapped by DeskAdminSite.admin_view: staff only)."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from articles.models import Article
from articles.services import can_edit
from desk import services
from desk.calendar import calendar_days, filter_choices, period
from desk.models import EditorialComment, Notification


def _context(request, **extra) -> dict:
    return {**admin.site.each_context(request), **extra}


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def visible_article(request, article_id: int) -> Article:
    return get_object_or_404(Article.objects.visible_in_admin(request.user), pk=article_id)


@require_GET
def calendar(request):
    view = "month" if request.GET.get("vista") == "mese" else "week"
    try:
        anchor = date.fromisoformat(request.GET.get("data", ""))
    except ValueError:
        anchor = timezone.localdate()
    sections, people = filter_choices()
    section_id = _int_or_none(request.GET.get("sezione"))
    person_id = _int_or_none(request.GET.get("persona"))
    if section_id not in {s.pk for s in sections}:
        section_id = None
    if person_id not in {p.pk for p in people}:
        person_id = None
    days = calendar_days(
        user=request.user,
        view=view,
        anchor=anchor,
        sections=sections,
        section_id=section_id,
        person_id=person_id,
    )
    first, last = period(view, anchor)
    if view == "week":
        previous, following = anchor - timedelta(days=7), anchor + timedelta(days=7)
        heading = _("Settimana dal %(first)s al %(last)s") % {
            "first": date_format(first, "j F").lower(),
            "last": date_format(last, "j F Y").lower(),
        }
    else:
        month_start = anchor.replace(day=1)
        previous = (month_start - timedelta(days=1)).replace(day=1)
        following = (month_start + timedelta(days=32)).replace(day=1)
        heading = date_format(anchor, "F Y").lower()
    weeks = [days[i : i + 7] for i in range(0, len(days), 7)]
    return TemplateResponse(
        request,
        "desk/calendar.html",
        _context(
            request,
            title=_("Calendario"),
            # Seven columns need the whole width.
            is_nav_sidebar_enabled=False,
            view=view,
            anchor=anchor,
            heading=heading,
            weeks=weeks,
            weekdays=[date_format(d.date, "l").lower() for d in days[:7]],
            previous=previous,
            following=following,
            sections=sections,
            people=people,
            section_id=section_id,
            person_id=person_id,
            counts={
                kind: sum(1 for d in days for e in d.entries if e.kind == kind)
                for kind in ("planned", "scheduled", "published")
            },
        ),
    )


def notifications(request):
    if request.method == "POST":
        ids = request.POST.getlist("notifica") or None
        services.notifications_mark_read(
            user=request.user, ids=[i for i in map(_int_or_none, ids or []) if i] if ids else None
        )
        return HttpResponseRedirect(reverse("admin:desk-notifications"))
    rows = list(
        Notification.objects.filter(recipient=request.user)
        .select_related("actor", "article")
        .order_by("-created_at", "-pk")[:100]
    )
    return TemplateResponse(
        request,
        "desk/notifications.html",
        _context(
            request,
            title=_("Notifiche"),
            notifications=rows,
            unread=sum(1 for n in rows if n.read_at is None),
        ),
    )


@require_GET
def notification_open(request, notification_id: int):
    """Follow a notification to what it is about; it counts as read from then on."""
    notification = get_object_or_404(Notification, pk=notification_id, recipient=request.user)
    services.notifications_mark_read(user=request.user, ids=[notification.pk])
    if notification.article_id:
        target = reverse("admin:articles_article_change", args=[notification.article_id])
        return HttpResponseRedirect(target + "#commenti")
    if notification.assignment_id:
        return HttpResponseRedirect(
            reverse("admin:desk_assignment_change", args=[notification.assignment_id])
        )
    return HttpResponseRedirect(reverse("admin:desk-notifications"))


def comments(request, article_id: int):
    """GET: the thread alone; POST: add a comment, then back to the article form."""
    article = visible_article(request, article_id)
    if request.method == "POST":
        if not request.user.has_perm("desk.add_editorialcomment"):
            raise PermissionDenied
        try:
            services.comment_add(
                article=article, by=request.user, text=request.POST.get("testo", "")
            )
            messages.success(request, _("Commento aggiunto."))
        except ValueError as error:
            messages.error(request, str(error))
        return HttpResponseRedirect(
            reverse("admin:articles_article_change", args=[article.pk]) + "#commenti"
        )
    return TemplateResponse(
        request,
        "desk/comment_thread_page.html",
        _context(
            request,
            title=_("Commenti su «%(title)s»") % {"title": article.title},
            article=article,
            thread=thread_of(article),
        ),
    )


def thread_of(article: Article) -> list[EditorialComment]:
    return list(
        EditorialComment.objects.filter(article=article)
        .select_related("author", "resolved_by")
        .order_by("created_at", "pk")
    )


@require_POST
def comment_resolve(request, comment_id: int):
    comment = get_object_or_404(
        EditorialComment.objects.select_related("article"),
        pk=comment_id,
        article__in=Article.objects.visible_in_admin(request.user),
    )
    if not (
        request.user.has_perm("desk.change_editorialcomment")
        or comment.author_id == request.user.pk
        or can_edit(request.user, comment.article)
    ):
        raise PermissionDenied
    services.comment_resolve(
        comment=comment, by=request.user, resolved=request.POST.get("riapri") is None
    )
    return HttpResponseRedirect(
        reverse("admin:articles_article_change", args=[comment.article_id]) + "#commenti"
    )


def _autosave_article(request) -> Article | None:
    article_id = _int_or_none(request.POST.get("article"))
    if article_id is None:
        if not request.user.has_perm("articles.add_article"):
            raise PermissionDenied
        return None
    try:
        article = Article.objects.visible_in_admin(request.user).get(pk=article_id)
    except Article.DoesNotExist:
        raise Http404 from None
    if not can_edit(request.user, article):
        raise PermissionDenied
    return article


@require_POST
def autosave(request):
    """The article form's unsaved text, sent every few seconds and when the page is left."""
    article = _autosave_article(request)
    try:
        draft = services.autosave_store(
            user=request.user,
            article=article,
            data=request.POST,
            base_version=_int_or_none(request.POST.get("loaded_version")),
        )
    except ValueError as error:
        return JsonResponse({"saved": False, "error": str(error)}, status=400)
    saved_at = timezone.localtime(draft.saved_at) if draft else timezone.localtime()
    return JsonResponse(
        {
            "saved": draft is not None,
            "message": _("Bozza salvata automaticamente alle %(time)s")
            % {"time": date_format(saved_at, "H:i:s")},
        }
    )


@require_POST
def autosave_discard(request):
    article = _autosave_article(request)
    services.autosave_discard(user=request.user, article=article)
    return JsonResponse({"discarded": True})
