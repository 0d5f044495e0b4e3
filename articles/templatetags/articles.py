"""Template helpers for reader pages: Italian dates, pagination links, JSON-LD."""

from __future__ import annotations

import json
from datetime import date, datetime

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

MONTHS = (
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
)
# What json_script escapes, so the JSON cannot close the <script> element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _local_day(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


@register.filter
def data_it(value: date | datetime | None) -> str:
    """'7 febbraio 2025': the date as Italian newspapers print it."""
    if not value:
        return ""
    day = _local_day(value)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


@register.filter
def ora_o_giorno(value: datetime) -> str:
    """'14:05' for today, '24 nov' before: the time column of a news ticker."""
    local = timezone.localtime(value)
    if local.date() == timezone.localdate():
        return local.strftime("%H:%M")
    return f"{local.day} {MONTHS[local.month - 1][:3]}"


@register.filter
def mese_it(value: date) -> str:
    """'febbraio 2025'."""
    return f"{MONTHS[value.month - 1]} {value.year}"


@register.filter
def iso(value: date | datetime | None) -> str:
    """Machine-readable date for <time datetime="…">."""
    if not value:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).isoformat(timespec="minutes")
    return value.isoformat()


@register.filter
def jsonld(data) -> SafeString:
    """A JSON-LD <script> whose content cannot break out of the element."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES)
    # Not escaped as HTML (a <script> element's text is never decoded), and safe as
    # it is: with <, > and & written as \u escapes, no text in `data` can end the
    # element or start another (what json_script does for type application/json).
    safe_json = mark_safe(payload)  # nosec B308 B703  # nosemgrep
    return format_html('<script type="application/ld+json">{}</script>', safe_json)


@register.simple_tag(takes_context=True)
def page_url(context, number: int) -> str:
    """The current address with another page number (filters kept)."""
    query = context["request"].GET.copy()
    if number == 1:
        query.pop("page", None)
    else:
        query["page"] = number
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else context["request"].path


@register.simple_tag(takes_context=True)
def absolute_url(context, path: str | None = None) -> str:
    """SITE_URL plus a path (the current one by default, with its page number)."""
    request = context["request"]
    if path is None:
        path = request.path
        page = request.GET.get("page")
        if page and page != "1" and page.isdigit():
            path += f"?page={page}"
    return settings.SITE_URL + path


@register.simple_tag
def site_url() -> str:
    return settings.SITE_URL


@register.filter
def absolutize(url: str) -> str:
    """Media and static URLs made absolute with SITE_URL (already absolute ones kept)."""
    return settings.SITE_URL + url if url.startswith("/") else url


WEEKDAYS = ("lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica")


@register.simple_tag
def today_it() -> SafeString:
    """Today's date for the masthead, e.g. 'venerdì 7 febbraio 2025'."""
    today = timezone.localdate()
    return format_html(
        '<time datetime="{}">{} {}</time>',
        today.isoformat(),
        WEEKDAYS[today.weekday()],
        data_it(today),
    )
