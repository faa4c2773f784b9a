"""Deadlines and urgency badges, as every case list, task list and the case page show them."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.dateformat import format as format_date
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

register = template.Library()


@register.simple_tag(takes_context=True)
def deadline(context: template.Context, review: Any) -> SafeString | str:
    """ "12.03.2027" and, for an open case, "overdue" or "due soon" (before the viewer's
    `due_soon_until`). A tag rather than an included template: lists show it in every row, and
    an include per row cost more than the rest of the row (docs/performance.md)."""
    if review.deadline is None:
        return ""
    shown = format_html('<span class="deadline">{}</span>', format_date(review.deadline, "d.m.Y"))
    if review.is_closed:
        return shown
    today, due_soon_until = context.get("today"), context.get("due_soon_until")
    if today is not None and review.deadline < today:
        badge, testid, text = "danger", "overdue", _("overdue")
    elif due_soon_until is not None and review.deadline <= due_soon_until:
        badge, testid, text = "warning", "due-soon", _("due soon")
    else:
        return shown
    return format_html(
        '{} <span class="kern-badge kern-badge--{} kern-badge--small" data-testid="{}">{}</span>',
        shown,
        badge,
        testid,
        text,
    )


# The badge of a task's urgency (workflows.deadlines.urgency): class, test id and text.
URGENCY_BADGES = {
    "overdue": ("danger", "badge-overdue", _lazy("overdue")),
    "due_soon": ("warning", "badge-due-soon", _lazy("due soon")),
}


@register.simple_tag
def urgency_badge(urgency: str) -> SafeString | str:
    """ "overdue" or "due soon" for a task, nothing otherwise; in every row of a task list."""
    if urgency not in URGENCY_BADGES:
        return ""
    badge, testid, text = URGENCY_BADGES[urgency]
    return format_html(
        '<span class="kern-badge kern-badge--{}" data-testid="{}">'
        '<span class="kern-label kern-label--small">{}</span></span>',
        badge,
        testid,
        text,
    )
