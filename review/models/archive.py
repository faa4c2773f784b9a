"""Archive hand-over (Aussonderung, xdomea 3.0.0): closed cases offered, evaluated, handed over.

A hand-over runs 0501 (our offer) → 0502 (the archive's evaluation) → 0503 (our package of
the cases to archive) → receipt (the archive's 0504, or a manual confirmation). Only a case
whose hand-over is closed may be deleted; on PostgreSQL a trigger (migration 0012) enforces it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .reviews import Review


def handover_upload_to(instance: Handover, filename: str) -> str:
    return f"archiv/{instance.process_id}/{filename}"


class HandoverQuerySet(models.QuerySet["Handover"]):
    def open(self) -> HandoverQuerySet:
        return self.exclude(status=Handover.Status.CLOSED)


class Handover(models.Model):
    """Aussonderung: one offer of closed cases to the archive, from 0501 to the receipt."""

    class Status(models.TextChoices):
        OFFERED = "offered", _("Offered to the archive")
        EVALUATED = "evaluated", _("Evaluated by the archive")
        EXPORTED = "exported", _("Package handed over")
        CLOSED = "closed", _("Receipt confirmed")

    # The xdomea ProzessID: every message of this hand-over carries it.
    process_id = models.UUIDField(_("Process ID"), default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.OFFERED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("offered by"),
    )
    created_at = models.DateTimeField(_("offered at"), default=timezone.now)
    offer = models.FileField(_("Offer list (0501)"), upload_to=handover_upload_to, max_length=300)
    evaluation = models.FileField(
        _("Evaluation (0502)"), upload_to=handover_upload_to, max_length=300, blank=True
    )
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)
    package = models.FileField(
        _("Hand-over package (0503)"), upload_to=handover_upload_to, max_length=300, blank=True
    )
    package_sha256 = models.CharField(_("SHA-256 (package)"), max_length=64, blank=True)
    exported_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    receipt = models.FileField(
        _("Receipt (0504)"), upload_to=handover_upload_to, max_length=300, blank=True
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    closed_manually = models.BooleanField(_("confirmed manually"), default=False)

    objects = HandoverQuerySet.as_manager()

    class Meta:
        verbose_name = _("Archive hand-over")
        verbose_name_plural = _("Archive hand-overs")
        ordering = ["-created_at", "-id"]
        permissions = [("hand_over_to_archive", _("Can hand over closed cases to the archive"))]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False),
                name="handover_closed_has_time",
            ),
            models.CheckConstraint(
                # Closed without a package is allowed: the archive chose none of the cases.
                condition=~Q(status="exported") | ~Q(package_sha256=""),
                name="handover_exported_has_package",
            ),
        ]

    def __str__(self) -> str:
        return f"Aussonderung {self.process_id} ({self.get_status_display()})"

    @property
    def is_closed(self) -> bool:
        return self.status == Handover.Status.CLOSED

    def file_name(self, message: str, extension: str = "xml") -> str:
        """xdomea's naming: `{ProzessID}_{message}.{extension}`."""
        return f"{self.process_id}_{message}.{extension}"


class HandoverItemQuerySet(models.QuerySet["HandoverItem"]):
    def to_archive(self) -> HandoverItemQuerySet:
        return self.filter(decision=HandoverItem.Decision.ARCHIVE)


class HandoverItem(models.Model):
    """One case in a hand-over, with the archive's decision on it."""

    class Decision(models.TextChoices):
        PENDING = "", _("not evaluated yet")
        ARCHIVE = "A", _("archive")
        DISCARD = "V", _("discard")

    handover = models.ForeignKey(
        Handover, on_delete=models.CASCADE, related_name="items", verbose_name=_("hand-over")
    )
    # No database constraint: the item outlives the case it names, as the evidence of what was
    # handed over before the case was deleted (the deletion trigger reads exactly this row).
    review = models.ForeignKey(
        Review,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="handover_items",
        verbose_name=_("case"),
    )
    # The case's paper, kept after the case is deleted: the relevance check must not open a new
    # case for a public paper whose case went to the archive (review/oparl/relevance.py).
    paper = models.ForeignKey(
        "review.Paper",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Vorlage"),
    )
    # The xdomea Identifikation of the case (Vorgang) in all messages of the hand-over.
    record_id = models.UUIDField(_("Record ID"), default=uuid.uuid4, unique=True, editable=False)
    # Kept so the list stays readable once the case is gone.
    reference = models.CharField(_("Reference"), max_length=100, blank=True)
    decision = models.CharField(
        _("Decision"), max_length=1, choices=Decision.choices, default="", blank=True
    )

    objects = HandoverItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("Case in a hand-over")
        verbose_name_plural = _("Cases in a hand-over")
        ordering = ["handover", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review"], name="handover_item_case_offered_once"),
        ]

    def __str__(self) -> str:
        return f"{self.reference or self.review_id} → {self.get_decision_display()}"
