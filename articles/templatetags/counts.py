"""Counts in Italian: «1 articolo», «12 articoli»."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format
from django.utils.translation import ngettext

register = template.Library()


@register.simple_tag
def articoli(count: int) -> str:
    return ngettext("%(n)s articolo", "%(n)s articoli", count) % {
        "n": number_format(count, force_grouping=True)
    }
