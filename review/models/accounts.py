"""Accounts of people outside the administration: invitations and personal feed tokens."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _new_nonce() -> str:
    return secrets.token_urlsafe(16)


class Invitation(models.Model):
    """An e-mailed link with which an invited person sets a password and enrols a second factor.

    The link carries a signed, time-limited token naming this row and its nonce; a new link
    (re-sending) replaces the nonce, so older links stop working.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("Person"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Invited by"),
    )
    nonce = models.CharField(max_length=64, default=_new_nonce)
    created_at = models.DateTimeField(_("Invited at"), default=timezone.now)
    sent_at = models.DateTimeField(_("Sent at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("Accepted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Invitation")
        verbose_name_plural = _("Invitations")
        ordering = ["-created_at"]
        permissions = [
            ("manage_external_accounts", _("Can invite and deactivate external accounts")),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%d.%m.%Y})"

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None


def _new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class FeedToken(models.Model):
    """The secret in a person's calendar and Atom feed addresses; regenerating revokes the old."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="feed_token",
        verbose_name=_("Person"),
    )
    token = models.CharField(max_length=64, unique=True, default=_new_feed_token)
    created_at = models.DateTimeField(_("Created at"), default=timezone.now)

    class Meta:
        verbose_name = _("Feed token")
        verbose_name_plural = _("Feed tokens")

    def __str__(self) -> str:
        return f"{self.user}"

    def regenerate(self) -> None:
        self.token = _new_feed_token()
        self.created_at = timezone.now()
        self.save(update_fields=["token", "created_at"])
