"""Parts of pages kept in the shared cache until any data under them changes.

A page part is cached under the current *data generation*, a counter in the cache that every
write to the database moves on (`watch_writes`, installed on each connection). Reading a part
after any INSERT, UPDATE or DELETE therefore renders it anew: no list of what a part depends on
to keep up to date, at the price that every write invalidates every part. Writes are rare next
to page views (an office of a few people against pages opened all day), and they come from this
process or from a Celery worker alike, since both go through Django's connection.

The counter moves at the write (so the writer's own next page is fresh even inside a
transaction) and again when the transaction commits (so a page rendered by another process
between the write and the commit, from the old rows, is not served afterwards).

Only with a cache shared by all processes (`PAGE_CACHE`, on with Redis): a per-process cache
could not be told of a write in another process.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

GENERATION_KEY = "data:generation"
# Stands in for the CSRF token in a cached part; replaced by the viewer's own token on output.
CSRF_PLACEHOLDER = "csrf-token-of-this-page"
_WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE)\s+"?(\w+)', re.IGNORECASE)
# Written on most requests or logins and shown in no cached part.
_IGNORED_TABLES = ("django_session", "axes_", "otp_")


def deferred[T](compute: Callable[[], T]) -> Callable[[], T]:
    """A template context value computed when the template first uses it, once: templates call
    callables. Views pass their queries this way, so a page part served from the cache runs
    none of them."""
    return functools.cache(compute)


def counter(key: str) -> int:
    """A generation counter kept in the cache (never expiring); 1 until first moved on."""
    value = cache.get(key)
    if value is None:  # first use, or evicted: start it (another process may just have)
        cache.add(key, 1, timeout=None)
        value = cache.get(key) or 1
    return int(value)


def move_on(key: str) -> None:
    """Move a generation counter on: whatever was cached under the old value is out of date."""
    try:
        cache.incr(key)
    except ValueError:  # evicted or never set: any new value differs from the old ones
        cache.set(key, int(timezone.now().timestamp() * 1000), timeout=None)


# Writes this process has reported; a generation a request read before its own write is stale.
_writes_here = 0


def generation(request: HttpRequest | None = None) -> int:
    """The current data generation, read once per request until the request itself writes."""
    memo = getattr(request, "_data_generation", None)
    if memo is not None and memo[1] == _writes_here:
        return int(memo[0])
    value = counter(GENERATION_KEY)
    if request is not None:
        request._data_generation = (value, _writes_here)  # type: ignore[attr-defined]
    return value


def bump() -> None:
    global _writes_here
    _writes_here += 1
    try:
        move_on(GENERATION_KEY)
    except Exception:
        # The write itself succeeded and must not fail because the cache is unreachable; parts
        # cached before stay at most PAGE_CACHE_SECONDS.
        logger.warning(
            "page cache: could not mark the cached page parts out of date", exc_info=True
        )


def data_changed(connection: BaseDatabaseWrapper) -> None:
    """Rows were written on this connection: cached parts are out of date now, and again once
    the transaction commits. Called by `watch_writes`, and by code writing past Django's cursor
    (COPY)."""
    if not settings.PAGE_CACHE:
        return
    bump()
    if connection.in_atomic_block and not any(
        entry[1] is bump for entry in connection.run_on_commit
    ):
        transaction.on_commit(bump, using=connection.alias)


def watch_writes(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    result = execute(sql, params, many, context)
    match = _WRITE.match(sql)
    if match and not match.group(1).lower().startswith(_IGNORED_TABLES):
        data_changed(context["connection"])
    return result


@receiver(connection_created, dispatch_uid="review.caching.watch_writes")
def _install(sender: object, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    # Installed whatever PAGE_CACHE says (tests switch it on and off); it costs a regular
    # expression per statement when the cache is off.
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)


def part_key(request: HttpRequest, name: str, vary_on: list[Any], *, per_person: bool) -> str:
    """Cache key of a page part in the current generation, for this language and day (deadline
    badges change at midnight): for the viewer alone (`per_person`), or for everyone with the
    same permissions, whose pages differ in nothing else."""
    user: Any = request.user
    viewer = f"u{user.pk}" if per_person else "p" + _digest(sorted(user.get_all_permissions()))
    return (
        f"part:{generation(request)}:{name}:{viewer}:{translation.get_language()}:"
        f"{timezone.localdate().isoformat()}:{_digest(vary_on)}"
    )


def _digest(value: Any) -> str:
    return hashlib.md5(repr(value).encode(), usedforsecurity=False).hexdigest()
