"""Deadlines and urgency badges, as every case list, task list and the case page show them."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

register = template.Library()


@register.simple_tag(takes_context=True)
def deadline(context: template.Context, review: Any) -> SafeString | str:
    """ "12.03.2027" and, for an open case, "overdue" or "due soon" (before the viewer's
    `due_soon_until`). A tag rather than an included template: lists show it in every row, and
    an include per row cost more than the rest of the row (docs/performance.md)."""
    return deadline_html(
        review.deadline,
        closed=review.is_closed,
        today=context.get("today"),
        due_soon_until=context.get("due_soon_until"),
    )


def deadline_html(
    deadline: date | None, *, closed: bool, today: date | None, due_soon_until: date | None
) -> SafeString | str:
    """What the tag shows, for lists that build their rows from columns rather than cases."""
    if deadline is None:
        return ""
    # As the date filter's "d.m.Y", without its formatter: this runs in every row of a list.
    day = f"{deadline.day:02d}.{deadline.month:02d}.{deadline.year:04d}"
    shown = f'<span class="deadline">{day}</span>'
    if closed:
        return mark_safe(shown)
    if today is not None and deadline < today:
        badge, testid, text = "danger", "overdue", _("overdue")
    elif due_soon_until is not None and deadline <= due_soon_until:
        badge, testid, text = "warning", "due-soon", _("due soon")
    else:
        return mark_safe(shown)
    return mark_safe(
        f'{shown} <span class="kern-badge kern-badge--{badge} kern-badge--small" '
        f'data-testid="{testid}">{escape(text)}</span>'
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
