from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from review.models import Notification


def unread_notifications(request: HttpRequest) -> dict[str, Any]:
    """`unread_notification_count` for the header; queried only if a template uses it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notification_count": SimpleLazyObject(lambda: _unread_count(user))}


def _unread_count(user: Any) -> int:
    # Usually read with the person at the start of the request
    # (review.accounts.backends.ModelBackend.get_user); the views that mark notifications read
    # redirect, so no page shows a count from before its own change.
    known: int | None = getattr(user, "signed_in_unread", None)
    if known is not None:
        return known
    return Notification.objects.for_user(user.pk).unread().count()
