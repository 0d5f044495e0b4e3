"""Template helpers for reader pages: Italian dates, pagination links, JSON-LD."""

from __future__ import annotations

import json
from datetime import date, datetime

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from articles.links import cached_reverse

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


class CachedURLNode(URLNode):
    """Django's {% url %}, with each distinct URL reversed once per process.

    Same arguments and output; any argument that is not a string or a number
    (or `as var` failing softly) goes through Django's own tag unchanged.
    """

    def render(self, context):
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        if self.asvar or any(not isinstance(v, str | int) for v in (*args, *kwargs.values())):
            return super().render(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = cached_reverse(
            self.view_name.resolve(context), args=tuple(args), current_app=current_app, **kwargs
        )
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    """{% url %} for reader templates that load this library (see CachedURLNode)."""
    node = django_url(parser, token)
    return CachedURLNode(node.view_name, node.args, node.kwargs, node.asvar)


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
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))


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
