"""Access tokens of the municipality's other systems (DMS, e-file) to the read API.

A token belongs to a service account (a User with the roles that decide what it may see, the
same need-to-know as in the UI) and carries scopes that narrow it further. Only a hash of the
secret is stored; the token is shown once, when it is made.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .people import User

PREFIX = "stw"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(is_active=True, user__is_active=True).exclude(expires_at__lte=now)


class ApiToken(models.Model):
    class Scope(models.TextChoices):
        CASES = "cases", _("Cases")
        STATEMENTS = "statements", _("Statements and their documents")
        PAPERS = "papers", _("Council papers and decisions")

    name = models.CharField(_("System"), max_length=100)
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("Account")
    )
    key_id = models.CharField(_("Key id"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(_("Scopes"), default=list)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering: ClassVar = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_id})"

    @classmethod
    def issue(cls, *, name: str, user: User, scopes: list[str]) -> tuple[ApiToken, str]:
        """Creates a token and returns it with its secret, which is never stored or shown again."""
        unknown = set(scopes) - set(cls.Scope.values)
        if unknown:
            raise ValueError(f"unknown scopes: {', '.join(sorted(unknown))}")
        key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        token = cls.objects.create(
            name=name, user=user, key_id=key_id, key_hash=_digest(secret), scopes=sorted(scopes)
        )
        return token, f"{PREFIX}_{key_id}_{secret}"

    @classmethod
    def authenticate(cls, presented: str) -> ApiToken | None:
        parts = presented.split("_", 2)
        if len(parts) != 3 or parts[0] != PREFIX:
            return None
        token = cls.objects.usable().select_related("user").filter(key_id=parts[1]).first()
        if token is None or not secrets.compare_digest(token.key_hash, _digest(parts[2])):
            return None
        return token

    def allows(self, scope: str) -> bool:
        return scope in self.scopes
