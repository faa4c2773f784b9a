from __future__ import annotations

from django import template

from review.models import Notification
from review.notifications.services import title

register = template.Library()


@register.filter
def title_for_reader(notification: Notification) -> str:
    """The title in the reader's language (the row keeps it in the default language for the
    e-mail); the stored title for a kind that no longer exists."""
    try:
        return title(notification.kind, notification.review, notification.context or {})
    except (KeyError, ValueError):
        return notification.title
