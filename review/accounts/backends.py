"""Authentication backends: the gate for local staff passwords, and Django's ModelBackend with
the permissions read in one statement."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from review.accounts import otp
from review.models import Notification, User
from review.models.expressions import CompiledQuery
from review.models.people import permission_names


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


# The person with their permissions, second factor and unread count, compiled once per process
# (review.models.expressions.CompiledQuery): every request asks for it.
SIGNED_IN_PERSON: CompiledQuery[User] = CompiledQuery(
    lambda pk: User._default_manager.annotate(
        signed_in_permissions=permission_names(),
        signed_in_second_factor=otp.confirmed_device_exists(),
        signed_in_unread=Notification.unread_count_of_person(),
    ).filter(pk=pk)
)


class ModelBackend(DjangoModelBackend):
    """Django's ModelBackend, with a person's permissions read in one statement.

    Every page asks for them (the navigation, the header's search box, the view's own check);
    Django reads them with two statements, the person's own and their roles';
    `User.granted_permissions` reads both in one (docs/performance.md). A superuser keeps
    Django's answer: every permission.
    """

    def get_user(self, user_id: Any) -> User | None:
        """The signed-in person of a request, with what every page asks about them read in the
        same statement: their permissions, whether they have a confirmed second factor and how
        many notifications they have not read (otherwise three statements more on every page;
        docs/performance.md). The answers live as long as the person object, one request, as
        Django's own permission cache does."""
        try:
            user = SIGNED_IN_PERSON.get(int(user_id))
        except (TypeError, ValueError):  # a session with a key that is no number
            return None
        if user is None or not self.user_can_authenticate(user):
            return None
        # The annotations, as attributes of the row (CompiledQuery sets them as raw() does).
        if not user.is_superuser:
            names = getattr(user, "signed_in_permissions", None) or ""
            user._perm_cache = {name for name in names.split(",") if name}  # type: ignore[attr-defined]
        otp.remember_second_factor(user, bool(getattr(user, "signed_in_second_factor", False)))
        return user

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser:
            return super().get_all_permissions(user_obj, obj)
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = user_obj.granted_permissions()
        return user_obj._perm_cache
