"""Flow state only: one viewflow process per Review. Business data stays in `review`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process, Task

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


def review_of(task: Task) -> Review:
    """The review a task of the ReviewFlow belongs to: the one way from a task to its case.

    Through the multi-table child `reviewprocess`, the path the task lists select_related.
    """
    review: Review = task.process.reviewprocess.review
    return review
