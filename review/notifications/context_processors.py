from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from review import caching
from review.models import Notification


def unread_notifications(request: HttpRequest) -> dict[str, Any]:
    """`unread_notification_count` for the header; queried only if a template uses it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notification_count": SimpleLazyObject(lambda: _unread_count(request, user))}


def _unread_count(request: HttpRequest, user: Any) -> int:
    if not settings.PAGE_CACHE:
        return Notification.objects.for_user(user.pk).unread().count()
    # Kept until the next database write, like the page parts (review.caching).
    return int(
        cache.get_or_set(
            f"unread:{caching.generation(request)}:{user.pk}",
            lambda: Notification.objects.for_user(user.pk).unread().count(),
            settings.PAGE_CACHE_SECONDS,
        )
        or 0
    )
