"""Idle sessions without a database write on every request."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.middleware import SessionMiddleware
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

# Session key holding when the idle clock was last reset (seconds since the epoch).
RENEWED_AT_KEY = "_idle_renewed_at"
# The idle clock is reset at most this often. Saving the session on every request
# (SESSION_SAVE_EVERY_REQUEST) cost one UPDATE and commit per page; now a session ends between
# SESSION_COOKIE_AGE minus this and SESSION_COOKIE_AGE after the last request.
RENEW_AFTER_SECONDS = 60


class IdleSessionMiddleware(SessionMiddleware):
    """Django's SessionMiddleware, renewing a stored session's expiry once a minute at most."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        # A session read from the cache (cached_db) is trusted until the cache entry's own
        # timeout; the idle limit is checked here as well, against the session's own clock.
        renewed_at = request.session.get(RENEWED_AT_KEY)
        if renewed_at and time.time() - renewed_at > settings.SESSION_COOKIE_AGE:
            request.session.flush()

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and not session.modified and session.session_key is not None:
            now = int(time.time())
            renewed_at = session.get(RENEWED_AT_KEY, 0)
            # get() loads the session: an unknown or expired key leaves it keyless and empty,
            # and must not turn into a new stored session.
            stored = session.session_key is not None and not session.is_empty()
            if stored and now - renewed_at >= RENEW_AFTER_SECONDS:
                session[RENEWED_AT_KEY] = now
        return super().process_response(request, response)


@receiver(user_logged_in, dispatch_uid="review.accounts.sessions.stamp_login")
def stamp_login(sender: object, request: HttpRequest | None, **kwargs: Any) -> None:
    """The login saves the new session anyway: start the idle clock with it, so the first
    page after the login does not write the session once more."""
    session = getattr(request, "session", None)
    if session is not None:
        session[RENEWED_AT_KEY] = int(time.time())
