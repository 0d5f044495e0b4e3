"""The rettifica's 48-hour clock (art. 8, L. 47/1948) in words, and the open requests
it runs for: the inbox in the admin and the reminder on the desk read them here."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Window
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from articles.services import can_publish
from standards.models import CorrectionRequest


def _hours(request: CorrectionRequest, now: datetime | None) -> tuple[bool, int]:
    left = request.time_left(now)
    return left.total_seconds() < 0, int(abs(left.total_seconds()) // 3600)


def clock(request: CorrectionRequest, now: datetime | None = None) -> str:
    """«mancano 5 ore», «scaduta da 3 ore»; nothing once decided."""
    if not request.is_open:
        return ""
    late, hours = _hours(request, now)
    if late:
        return ngettext("scaduta da %(n)d ora", "scaduta da %(n)d ore", hours) % {"n": hours}
    if hours == 0:
        return _("scade tra meno di un'ora")
    return ngettext("manca %(n)d ora", "mancano %(n)d ore", hours) % {"n": hours}


def overdue_by(request: CorrectionRequest, now: datetime | None = None) -> str:
    """How long past its deadline: «da 3 ore», «da meno di un'ora»; empty when not late."""
    late, hours = _hours(request, now)
    if not late:
        return ""
    if hours == 0:
        return _("da meno di un'ora")
    return ngettext("da %(n)d ora", "da %(n)d ore", hours) % {"n": hours}


def can_handle(user) -> bool:
    """Decides on rettifiche (the services' rule) and can open them in the admin."""
    return can_publish(user) and user.has_perm("standards.change_correctionrequest")


def open_requests(*, now: datetime | None = None, limit: int) -> dict:
    """{"items": [...], "total": n}: undecided or not yet published, soonest deadline
    first (so the late ones lead), in one query; each item carries `late` and `clock`."""
    now = now or timezone.now()
    rows = list(
        CorrectionRequest.objects.filter(
            status__in=[CorrectionRequest.Status.RECEIVED, CorrectionRequest.Status.ACCEPTED]
        )
        .select_related("article")
        .only("name", "status", "received_at", "due_at", "article__title")
        .annotate(total=Window(Count("pk")))
        .order_by("due_at", "pk")[:limit]
    )
    for request in rows:
        request.late = request.time_left(now).total_seconds() < 0
        request.clock = overdue_by(request, now) if request.late else clock(request, now)
    return {"items": rows, "total": rows[0].total if rows else 0}
