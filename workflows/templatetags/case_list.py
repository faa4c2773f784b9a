"""The case list's filter options, built in Python rather than by the template engine: the
engine's work per option was most of what the filter form cost (docs/performance.md)."""

from __future__ import annotations

from html import escape

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def filter_options(field: BoundField) -> SafeString:
    """The field's <option>s with the current value selected."""
    value = field.value()
    current = "" if value is None else str(value)
    options = []
    for choice, label in field.field.choices:  # type: ignore[attr-defined]
        choice = str(choice)
        selected = " selected" if choice == current else ""
        options.append(f'<option value="{escape(choice)}"{selected}>{escape(str(label))}</option>')
    return mark_safe("".join(options))
