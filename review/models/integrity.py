"""Runs of the audit chain verification (review/audit/): what was checked and what was found."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditCheckQuerySet(models.QuerySet["AuditCheck"]):
    def last_good(self) -> AuditCheck | None:
        return self.filter(ok=True).order_by("-id").first()

    def latest_failure(self) -> AuditCheck | None:
        """The latest run if it failed: what the administrators' pages warn about."""
        latest = self.order_by("-id").first()
        return latest if latest is not None and not latest.ok else None


class AuditCheck(models.Model):
    """One verification of the whole audit chain.

    A good run keeps the chain's last event (id and hash) as a checkpoint: the next run checks
    that this event is still there, unchanged, so removing the newest rows is found too (the
    chain alone cannot show a cut-off end).
    """

    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)
    ok = models.BooleanField(_("intact"))
    events = models.PositiveIntegerField(_("events checked"), default=0)
    last_event_id = models.BigIntegerField(null=True, blank=True)
    last_hash = models.CharField(max_length=64, blank=True)
    broken_event_id = models.BigIntegerField(_("first broken event"), null=True, blank=True)
    # What was found, without personal data: the event's number, time and action only.
    problem = models.CharField(_("finding"), max_length=500, blank=True)

    objects = AuditCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("Audit chain check")
        verbose_name_plural = _("Audit chain checks")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ok=True) | ~models.Q(problem=""),
                name="audit_check_failure_says_why",
            )
        ]

    def __str__(self) -> str:
        return f"{self.checked_at:%d.%m.%Y %H:%M} {'ok' if self.ok else self.problem}"
