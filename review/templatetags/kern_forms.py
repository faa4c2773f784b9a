"""Render a form field's widget with the KERN classes (Django cannot add classes in templates)."""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def kern_widget(field: BoundField) -> SafeString:
    widget = field.field.widget
    css = (
        "kern-form-input__select"
        if widget.__class__.__name__.endswith("Select")
        else "kern-form-input__input"
    )
    if field.errors:
        css += f" {css}--error"
    attrs: dict[str, str | bool] = {"class": css}
    if field.help_text:
        attrs["aria-describedby"] = f"{field.auto_id}_helptext"
    return field.as_widget(attrs=attrs)
