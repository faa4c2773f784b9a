"""Permissions read from the cache instead of two queries on every page.

Django's ModelBackend keeps a person's permissions on the user object, which lives for one
request only; every page asked the database twice (own and group permissions). With a cache
shared by all processes (Redis, SHARED_CACHE) the set is kept there under a generation number
that any change of roles, group permissions or direct permissions moves on, so a revoked role
takes effect with the next request in every process. Without a shared cache (`make run`: one
process) nothing is cached across requests: another process could not be told of a change.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from review import caching
from review.models import User

GENERATION_KEY = "permissions:generation"
# Long enough to matter, short enough that a cache the signals never reached heals by itself.
TIMEOUT_SECONDS = 15 * 60


def forget_all() -> None:
    """Every cached permission set is out of date (roles or permissions changed)."""
    caching.move_on(GENERATION_KEY)


class CachedPermissionsBackend(ModelBackend):
    """ModelBackend whose permission sets, and the signed-in person, come from the shared cache
    when there is one."""

    def get_user(self, user_id: Any) -> User | None:
        """Read on every request; kept like the page parts until the next database write, which
        covers any change to the person (a new password, deactivation, a role) however it is
        written. The session's check of the password hash runs on the cached person as well."""
        if not settings.PAGE_CACHE:
            return super().get_user(user_id)
        key = f"user:{user_id}"
        found = cache.get_many([caching.GENERATION_KEY, key])
        generation, entry = found.get(caching.GENERATION_KEY), found.get(key)
        if generation is not None and entry is not None and entry[0] == generation:
            return entry[1]
        user = super().get_user(user_id)
        if user is not None and generation is not None:
            cache.set(key, (generation, user), settings.PAGE_CACHE_SECONDS)
        return user

    def get_all_permissions(self, user_obj: Any, obj: Model | None = None) -> set[str]:
        if not settings.SHARED_CACHE or obj is not None or not user_obj.is_active:
            return super().get_all_permissions(user_obj, obj)
        if user_obj.is_anonymous:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            # The flags that change the answer are part of the key: saving a user (every login
            # does) need not invalidate anything.
            generation = caching.counter(GENERATION_KEY)
            key = f"permissions:{generation}:{user_obj.pk}:{int(user_obj.is_superuser)}"
            permissions = cache.get_or_set(
                key,
                lambda: super(CachedPermissionsBackend, self).get_all_permissions(user_obj),
                TIMEOUT_SECONDS,
            )
            user_obj._perm_cache = set(permissions or ())
        return user_obj._perm_cache


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="permissions.user_groups")
@receiver(m2m_changed, sender=User.user_permissions.through, dispatch_uid="permissions.user_perms")
@receiver(m2m_changed, sender=Group.permissions.through, dispatch_uid="permissions.group_perms")
def _memberships_changed(action: str, **kwargs: Any) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        forget_all()


@receiver(post_save, sender=Group, dispatch_uid="permissions.group_saved")
@receiver(post_delete, sender=Group, dispatch_uid="permissions.group_deleted")
@receiver(post_save, sender=Permission, dispatch_uid="permissions.permission_saved")
@receiver(post_delete, sender=Permission, dispatch_uid="permissions.permission_deleted")
def _roles_changed(**kwargs: Any) -> None:
    forget_all()
