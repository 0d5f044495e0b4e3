"""The desk's parts of the article form: the comment thread and the autosave offer."""

from __future__ import annotations

from django import template
from django.conf import settings

from desk import services
from desk.views import thread_of

register = template.Library()


@register.inclusion_tag("desk/comment_thread.html", takes_context=True)
def desk_comment_thread(context, article):
    request = context["request"]
    return {
        "article": article,
        "thread": thread_of(article) if article is not None and article.pk else [],
        "can_comment": request.user.has_perm("desk.add_editorialcomment"),
        "csrf_token": context.get("csrf_token"),
        "user": request.user,
    }


@register.inclusion_tag("desk/autosave.html", takes_context=True)
def desk_autosave(context, article):
    request = context["request"]
    article = article if article is not None and article.pk else None
    return {
        "article": article,
        "offer": services.autosave_offer(user=request.user, article=article),
        "interval": settings.DESK_AUTOSAVE_SECONDS,
    }
