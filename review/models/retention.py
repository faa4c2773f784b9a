"""Evidence of deletion runs (review/retention/): what class, how many, which rule, when."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DeletionRecord(models.Model):
    """One rule applied once. Never holds personal data: no names, no ids of the rows removed."""

    ran_at = models.DateTimeField(_("run at"), default=timezone.now, db_index=True)
    data_class = models.CharField(_("data class"), max_length=50)
    rule = models.CharField(_("rule"), max_length=300)
    action = models.CharField(_("action"), max_length=20)
    count = models.PositiveIntegerField(_("records"))

    class Meta:
        verbose_name = _("Deletion record")
        verbose_name_plural = _("Deletion records")
        ordering = ["-ran_at", "data_class"]

    def __str__(self) -> str:
        return f"{self.ran_at:%d.%m.%Y} {self.data_class}: {self.count} ({self.action})"
