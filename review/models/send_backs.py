"""A statement sent back from the Schlusszeichnung to its drafter, with the reason."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .reviews import Review, StatementVersion


class SendBack(models.Model):
    """Rückgabe zur Überarbeitung: who sent which version back, when and why."""

    review = models.ForeignKey(
        Review, on_delete=models.PROTECT, related_name="send_backs", verbose_name=_("Vorgang")
    )
    version = models.ForeignKey(
        StatementVersion,
        on_delete=models.PROTECT,
        related_name="send_backs",
        verbose_name=_("Fassung"),
    )
    sent_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("zurückgegeben von"),
    )
    reason = models.TextField(_("Begründung"))
    created_at = models.DateTimeField(_("zurückgegeben am"), default=timezone.now)

    class Meta:
        verbose_name = _("Rückgabe zur Überarbeitung")
        verbose_name_plural = _("Rückgaben zur Überarbeitung")
        ordering = ["review", "created_at"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="send_back_has_reason"),
        ]

    def __str__(self) -> str:
        return f"Rückgabe von Fassung {self.version.number} ({self.review_id})"
