"""Beschlusskontrolle: whether the departments carry out what the council decided."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .oparl import Organization
from .people import User
from .reviews import Review


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    def open(self) -> FollowUpQuerySet:
        return self.filter(status__in=FollowUp.Status.open_values())

    def overdue(self, today: date | None = None) -> FollowUpQuerySet:
        return self.open().filter(due_date__lt=today or timezone.localdate())

    def with_overdue_flag(self, today: date | None = None) -> FollowUpQuerySet:
        condition = Q(status__in=FollowUp.Status.open_values()) & Q(
            due_date__lt=today or timezone.localdate()
        )
        return self.annotate(
            is_late=models.ExpressionWrapper(condition, output_field=models.BooleanField())
        )


class FollowUp(models.Model):
    """What the lead office must do after a decision, by when, and who was asked to report."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        IN_PROGRESS = "in_progress", _("being implemented")
        DONE = "done", _("implemented")
        NOT_DONE = "not_done", _("not implemented")

        @classmethod
        def open_values(cls) -> list[str]:
            return [cls.OPEN.value, cls.IN_PROGRESS.value]

    review = models.ForeignKey(
        Review, on_delete=models.PROTECT, related_name="follow_ups", verbose_name=_("Vorgang")
    )
    task = models.TextField(_("What has to be done"))
    lead_office = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("Lead office"),
    )
    due_date = models.DateField(_("Due by"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("Asked"),
    )
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    note = models.TextField(_("Note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Opened by"),
    )
    created_at = models.DateTimeField(_("Opened"), default=timezone.now)
    updated_at = models.DateTimeField(_("Updated"), auto_now=True)
    closed_at = models.DateTimeField(_("Closed"), null=True, blank=True)
    # Set by the reminder run: the overdue reminder goes out once.
    reminded_on = models.DateField(_("Reminded on"), null=True, blank=True, editable=False)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("Follow-up")
        verbose_name_plural = _("Follow-ups")
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "in_progress"]) | Q(closed_at__isnull=False),
                name="follow_up_closed_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="not_done") | ~Q(note=""),
                name="follow_up_not_done_has_note",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review.paper.reference or self.review_id}: {self.task[:60]}"

    @property
    def is_open(self) -> bool:
        return self.status in FollowUp.Status.open_values()

    def is_overdue(self, today: date | None = None) -> bool:
        return self.is_open and self.due_date < (today or timezone.localdate())

    def may_be_updated_by(self, user: User) -> bool:
        """The colleague asked, or the office."""
        return user.pk == self.assignee_id or user.has_perm("review.record_outcome")
