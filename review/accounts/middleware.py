"""Two-factor login is enforced on every view, not just on the login page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from . import otp

# Views a person must reach before the second factor is verified.
EXEMPT_URL_NAMES = {
    "login",
    "logout",
    "set_language",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "accounts:accept_invitation",
    "accounts:setup",
    "accounts:verify",
    "accounts:recovery_codes",
}
# Feeds authenticate by their secret token, not by the session.
EXEMPT_NAMESPACES = {"feeds"}


class SecondFactorRequiredMiddleware:
    """External people (and anyone with a confirmed device) verify a second factor after the
    password before any other page; without a device they are sent to set one up."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or otp.is_verified(user):
            return None
        match = request.resolver_match
        if match is not None and (
            match.view_name in EXEMPT_URL_NAMES or set(match.namespaces) & EXEMPT_NAMESPACES
        ):
            return None
        if not otp.second_factor_required(user):
            return None
        target = "accounts:verify" if otp.has_second_factor(user) else "accounts:setup"
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse(target)}?{query}")
