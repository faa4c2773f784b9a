"""Rates and durations of the report as people read them."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def percent(rate: float | None) -> str:
    if rate is None:
        return "–"
    return f"{round(rate * 100)} %"


@register.filter
def days(value: float | None) -> str:
    if value is None:
        return "–"
    return _("%(days)s days") % {"days": number_format(value, 1)}
