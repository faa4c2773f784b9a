"""Flow state only: one viewflow process per Review. Business data stays in `review`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from review.models import Review


class ReviewProcess(Process):
    """The running workflow of one Review (Vorgang)."""

    review = models.OneToOneField(
        Review, on_delete=models.PROTECT, related_name="process", verbose_name=_("Vorgang")
    )

    class Meta:
        verbose_name = _("Ablauf eines Vorgangs")
        verbose_name_plural = _("Abläufe der Vorgänge")

    def __str__(self) -> str:
        return f"Ablauf {self.pk} ({self.review_id})"
