"""Writes of the desk: assignments, editorial comments, notifications, autosave.

Articles themselves are created and changed only by articles.services.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles import services as article_services
from articles.models import Article
from desk.models import Assignment, AutosaveDraft, EditorialComment, Notification

# Fields of the article form kept by autosave: what a journalist types.
AUTOSAVED_FIELDS = [
    "title",
    "standfirst",
    "body",
    "highlighted_quote",
    "lead_image_alt",
    "lead_image_caption",
    "lead_image_credit",
    "seo_title",
    "seo_description",
]
AUTOSAVE_MAX_CHARS = 1_000_000


def display_name(user) -> str:
    if user is None:
        return _("qualcuno")
    return user.get_full_name() or user.get_username()


def notify(*, recipients: Iterable, actor, kind: str, text: str, article=None, assignment=None):
    """One notification per recipient, never to the person who acted."""
    rows = [
        Notification(
            recipient=recipient,
            actor=actor,
            kind=kind,
            text=text[:300],
            article=article,
            assignment=assignment,
        )
        for recipient in {r.pk: r for r in recipients if r is not None}.values()
        if actor is None or recipient.pk != actor.pk
    ]
    Notification.objects.bulk_create(rows)
    return rows


def assignment_save(*, assignment: Assignment, by, previous_assignee_id: int | None) -> Assignment:
    """Save an assignment; its new assignee hears about it on their desk."""
    with transaction.atomic():
        if assignment.pk is None:
            assignment.created_by = by
        if assignment.assignee_id and assignment.state == Assignment.State.PITCHED:
            assignment.state = Assignment.State.ASSIGNED
        assignment.save()
        if assignment.assignee_id and assignment.assignee_id != previous_assignee_id:
            notify(
                recipients=[assignment.assignee],
                actor=by,
                kind=Notification.Kind.ASSIGNMENT,
                text=_("%(who)s ti ha assegnato «%(title)s»")
                % {"who": display_name(by), "title": assignment.title},
                assignment=assignment,
            )
    return assignment


def assignment_start_article(*, assignment: Assignment, by) -> Article:
    """Turn an assignment into a draft article (once); returns the article."""
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if assignment.article_id:
            return assignment.article
        if not by.has_perm("articles.add_article"):
            raise PermissionDenied(_("Non puoi creare articoli."))
        article = article_services.article_create_draft(
            by=by,
            title=assignment.title,
            section=assignment.section,
        )
        assignment.article = article
        assignment.state = Assignment.State.WRITING
        if assignment.assignee_id is None:
            assignment.assignee = by
        assignment.save(update_fields=["article", "state", "assignee"])
    return article


def comment_recipients(article: Article) -> list:
    """Who hears about a comment: the writer, the bylines' users, the assignee."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    return list(
        User.objects.filter(is_active=True, is_staff=True).filter(
            pk__in=[
                *Article.objects.filter(pk=article.pk).values_list("created_by", flat=True),
                *article.article_authors.values_list("author__user", flat=True),
                *Assignment.objects.filter(article=article).values_list("assignee", flat=True),
                *EditorialComment.objects.filter(article=article).values_list("author", flat=True),
            ]
        )
    )


def comment_add(*, article: Article, by, text: str) -> EditorialComment:
    text = text.strip()
    if not text:
        raise ValueError(_("Il commento è vuoto."))
    with transaction.atomic():
        comment = EditorialComment.objects.create(article=article, author=by, text=text)
        notify(
            recipients=comment_recipients(article),
            actor=by,
            kind=Notification.Kind.COMMENT,
            text=_("%(who)s ha commentato «%(title)s»: %(text)s")
            % {"who": display_name(by), "title": article.title, "text": text[:120]},
            article=article,
        )
    return comment


def comment_resolve(*, comment: EditorialComment, by, resolved: bool = True) -> EditorialComment:
    comment.resolved_at = timezone.now() if resolved else None
    comment.resolved_by = by if resolved else None
    comment.save(update_fields=["resolved_at", "resolved_by"])
    return comment


def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def autosave_store(
    *, user, article: Article | None, data: dict, base_version: int | None
) -> AutosaveDraft | None:
    """Keep the form's unsaved text; drop the copy when it equals the saved article."""
    kept = {name: str(data[name]) for name in AUTOSAVED_FIELDS if name in data}
    if sum(len(v) for v in kept.values()) > AUTOSAVE_MAX_CHARS:
        raise ValueError(_("Il testo è troppo lungo per il salvataggio automatico."))
    if article is not None and not autosave_differs(article, kept):
        autosave_discard(user=user, article=article)
        return None
    draft, _created = AutosaveDraft.objects.update_or_create(
        user=user,
        article=article,
        defaults={"data": kept, "base_version": base_version, "saved_at": timezone.now()},
    )
    return draft


def _html_text(html: str) -> str:
    # CKEditor re-indents what it is given; whitespace between tags is not a change.
    return re.sub(r">\s+<", "><", html).strip()


def autosave_differs(article: Article, data: dict) -> bool:
    from articles.sanitize import clean_html

    for name, value in data.items():
        current = getattr(article, name) or ""
        if name == "body":
            if _html_text(clean_html(value)) != _html_text(current):
                return True
        elif value.strip() != str(current).strip():
            return True
    return False


def autosave_discard(*, user, article: Article | None) -> None:
    AutosaveDraft.objects.filter(user=user, article=article).delete()


def autosave_offer(*, user, article: Article | None) -> AutosaveDraft | None:
    """The unsaved copy worth offering back when the form opens, if any.

    A copy older than the user's own later save of the article is stale (they
    saved after typing it); a copy equal to the saved article is pointless.
    Both are removed. A copy older than someone else's save is still offered:
    it is text this user typed and never saved.
    """
    draft = AutosaveDraft.objects.filter(user=user, article=article).first()
    if draft is None:
        return None
    if article is None:
        # The copy of a new article's form is superseded once they create an article.
        if Article.objects.filter(created_by=user, created_at__gte=draft.saved_at).exists():
            draft.delete()
            return None
        return draft
    stale = draft.saved_at <= article.updated_at and article.last_modified_by_id == user.pk
    if stale or not autosave_differs(article, draft.data):
        draft.delete()
        return None
    return draft
