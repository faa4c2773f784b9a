"""Password reset that neither tells nor floods: the same work for known and unknown addresses
(the mail is written and sent by the worker, not while the visitor waits), and a limit on
mails per address and on requests per client address."""

from __future__ import annotations

import hashlib
from functools import partial
from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from review.models import User

from .client_address import client_address

# One person needs one mail, perhaps a second after a typo; more is someone else's flooding.
MAILS_PER_ADDRESS = 3
REQUESTS_PER_CLIENT = 10
WINDOW_SECONDS = 3600
SUBJECT_TEMPLATE = "accounts/password_reset_subject.txt"
EMAIL_TEMPLATE = "accounts/password_reset_email.txt"
HTML_EMAIL_TEMPLATE = "accounts/password_reset_email.html"


def _within_limit(key: str, limit: int) -> bool:
    """Count one more use of `key` in the window; False once the limit is passed."""
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        return True


def _hashed(text: str) -> str:
    # No address in cache keys (they show up in Redis tools and dumps).
    return hashlib.sha256(text.strip().lower().encode()).hexdigest()[:32]


class QueuedPasswordResetForm(PasswordResetForm):
    def save(self, *args: Any, **kwargs: Any) -> None:
        email = self.cleaned_data["email"]
        if not _within_limit(f"password-reset:address:{_hashed(email)}", MAILS_PER_ADDRESS):
            return
        request: HttpRequest = kwargs["request"]
        domain, use_https = request.get_host(), request.is_secure()
        for user in self.get_users(email):
            transaction.on_commit(
                partial(_queue, user_id=user.pk, domain=domain, use_https=use_https)
            )


def _queue(*, user_id: int, domain: str, use_https: bool) -> None:
    from review.notifications.tasks import send_password_reset_email

    send_password_reset_email.delay(user_id, domain, use_https)


def deliver_password_reset(*, user_id: int, domain: str, use_https: bool) -> bool:
    """Write and send the reset mail (in the worker); the token is made at sending time."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email or not user.has_usable_password():
        return False
    context = {
        "email": user.email,
        "domain": domain,
        "site_name": domain,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": "https" if use_https else "http",
    }
    PasswordResetForm().send_mail(
        SUBJECT_TEMPLATE,
        EMAIL_TEMPLATE,
        context,
        None,
        user.email,
        html_email_template_name=HTML_EMAIL_TEMPLATE,
    )
    return True


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    template_name = "accounts/password_reset_form.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = f"password-reset:client:{_hashed(client_address(request))}"
        if not _within_limit(key, REQUESTS_PER_CLIENT):
            return render(request, "accounts/password_reset_limited.html", status=429)
        return super().post(request, *args, **kwargs)
