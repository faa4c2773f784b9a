"""The situation report as stored documents: numbered versions with their Word, PDF and tables."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReportDocument(models.Model):
    """One generated version of the situation report; never changed once ready."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("being generated")
        READY = "ready", _("generated")
        FAILED = "failed", _("failed")

    number = models.PositiveIntegerField(_("Version"), unique=True)
    period_start = models.DateField(_("From"))
    period_end = models.DateField(_("Until"))
    # The report page's query parameters (topic, committee, …) the report was made with.
    filters = models.JSONField(_("Filters"), default=dict, blank=True)
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("Progress (%)"), default=0)
    step = models.CharField(_("Step"), max_length=200, blank=True)
    docx = models.FileField(_("Word file"), upload_to="berichte/", max_length=300, blank=True)
    pdf = models.FileField(_("PDF/A file"), upload_to="berichte/", max_length=300, blank=True)
    csv = models.FileField(_("CSV table"), upload_to="berichte/", max_length=300, blank=True)
    xlsx = models.FileField(_("XLSX table"), upload_to="berichte/", max_length=300, blank=True)
    message = models.CharField(_("Message"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Requested by"),
    )
    created_at = models.DateTimeField(_("Requested"), default=timezone.now)
    finished_at = models.DateTimeField(_("Finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("Situation report")
        verbose_name_plural = _("Situation reports")
        ordering = ["-number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="report_document_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=~Q(status="ready") | ~Q(docx=""), name="report_document_ready_has_docx"
            ),
        ]

    def __str__(self) -> str:
        return f"Situationsbericht {self.number}"

    @property
    def in_progress(self) -> bool:
        """Waiting for or being generated: the page keeps asking for its progress."""
        return self.status in (self.Status.PENDING, self.Status.RUNNING)

    @property
    def query_params(self) -> dict[str, str]:
        """The report page's parameters this version was made with (to make it again)."""
        return {
            **self.filters,
            "von": self.period_start.isoformat(),
            "bis": self.period_end.isoformat(),
        }

    @property
    def file_stem(self) -> str:
        period = f"{self.period_start:%Y-%m-%d}_{self.period_end:%Y-%m-%d}"
        return f"Situationsbericht_{period}_v{self.number}"


class ReportTemplate(models.Model):
    """One uploaded version of the report's Word template; the newest active one is used."""

    version = models.PositiveIntegerField(_("Version"), unique=True)
    file = models.FileField(_("Word template"), upload_to="berichtsvorlagen/", max_length=300)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("Uploaded"), default=timezone.now)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("Report template")
        verbose_name_plural = _("Report templates")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="report_template_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"Berichtsvorlage {self.version}"
