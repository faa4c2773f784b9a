"""Switching off local passwords for staff once they sign in through the directory."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from review.models import User


class LocalStaffLoginGate:
    """With LOCAL_STAFF_LOGIN off, stop the password check for local staff accounts.

    Placed after the directory backends and before Django's ModelBackend: raising
    PermissionDenied ends Django's authenticate() there. External people (Beirat, clerks
    without a city account) keep their local passwords and second factor; superusers keep
    theirs as the way in when the directory is down.

    Deliberately no BaseBackend: a backend with get_user() could be chosen for sessions
    (Client.force_login takes the first one), and this one signs nobody in.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if settings.LOCAL_STAFF_LOGIN or username is None:
            return None
        user = User.objects.filter(username=username).first()
        if user is not None and not user.is_external and not user.is_superuser:
            raise PermissionDenied
        return None
