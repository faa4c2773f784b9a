"""Statement documents: the office's Word templates (versioned) and the documents made from them."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .reviews import Review, StatementVersion


class DocumentKind(models.TextChoices):
    COMMITTEE = "committee", _("Statement to the committee")
    BEIRAT = "beirat", _("Information to the Ausländerbeirat")
    NOT_AFFECTED = "not_affected", _("Note “not affected”")


def template_upload_to(instance: DocumentTemplate, filename: str) -> str:
    return f"dokumentvorlagen/{instance.kind}/v{instance.version}_{instance.kind}.docx"


class DocumentTemplateQuerySet(models.QuerySet["DocumentTemplate"]):
    def active(self) -> DocumentTemplateQuerySet:
        return self.filter(is_active=True)


class DocumentTemplate(models.Model):
    """One uploaded version of a Word template; older versions stay with their documents."""

    Kind = DocumentKind

    kind = models.CharField(_("Dokumentart"), max_length=20, choices=DocumentKind.choices)
    version = models.PositiveIntegerField(_("Version"))
    file = models.FileField(_("Word-Vorlage"), upload_to=template_upload_to, max_length=300)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hochgeladen von"),
    )
    uploaded_at = models.DateTimeField(_("hochgeladen am"), default=timezone.now)
    is_active = models.BooleanField(_("aktiv"), default=True)
    note = models.CharField(_("Anmerkung"), max_length=300, blank=True)
    # What the upload check found: variables used, pages of the dry render, warnings.
    check_report = models.JSONField(_("Prüfbericht"), default=dict, blank=True)

    objects = DocumentTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("Dokumentvorlage")
        verbose_name_plural = _("Dokumentvorlagen")
        ordering = ["kind", "-version"]
        permissions = [("manage_document_templates", _("Kann Dokumentvorlagen verwalten"))]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="doc_template_version_unique"),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(is_active=True), name="doc_template_one_active"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="doc_template_version_from_1"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – Version {self.version}"


class DocumentQuerySet(models.QuerySet["Document"]):
    def for_review(self, review: Review) -> DocumentQuerySet:
        return self.filter(review=review).select_related(
            "template", "statement_version", "created_by"
        )

    def finished(self) -> DocumentQuerySet:
        return self.filter(status=Document.Status.READY).exclude(
            pdf_status__in=[Document.PdfStatus.PENDING, Document.PdfStatus.FAILED]
        )

    def in_progress(self) -> DocumentQuerySet:
        return self.filter(
            Q(status=Document.Status.PENDING)
            | Q(status=Document.Status.READY, pdf_status=Document.PdfStatus.PENDING)
        )

    def stale(self, *, now: datetime | None = None) -> DocumentQuerySet:
        """Still being made although queued longer ago than any task may run: its job was lost
        (a Redis restart without persistence, a worker killed with the message)."""
        cutoff = (now or timezone.now()) - timedelta(minutes=settings.REQUEUE_AFTER_MINUTES)
        return self.in_progress().filter(queued_at__lt=cutoff)

    def generation_is_finished(self, review_id: int) -> bool:
        """Every document of the review's latest statement generation is finished (none failed,
        none still being made). The state the flow waits for, however the news got lost."""
        generation = self.filter(review_id=review_id, statement_version__isnull=False)
        latest = generation.aggregate(Max("statement_version_id"))["statement_version_id__max"]
        if latest is None:
            return False
        documents = generation.filter(statement_version_id=latest)
        return not documents.exclude(pk__in=documents.finished().values("pk")).exists()

    def latest_per_kind(self) -> list[Document]:
        seen: dict[str, Document] = {}
        for document in self.order_by("kind", "-number"):
            seen.setdefault(document.kind, document)
        return list(seen.values())


class Document(models.Model):
    """An immutable, numbered document version of one kind for one review."""

    Kind = DocumentKind

    class Status(models.TextChoices):
        PENDING = "pending", _("being generated")
        READY = "ready", _("generated")
        FAILED = "failed", _("failed")

    class PdfStatus(models.TextChoices):
        PENDING = "pending", _("being converted")
        DONE = "done", _("PDF/A generated")
        SKIPPED = "skipped", _("no PDF (LibreOffice not available)")
        FAILED = "failed", _("failed")

    review = models.ForeignKey(
        Review, on_delete=models.PROTECT, related_name="documents", verbose_name=_("Vorgang")
    )
    statement_version = models.ForeignKey(
        StatementVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("Fassung der Stellungnahme"),
    )
    template = models.ForeignKey(
        DocumentTemplate,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("Vorlagenversion"),
    )
    kind = models.CharField(_("Dokumentart"), max_length=20, choices=DocumentKind.choices)
    number = models.PositiveIntegerField(_("Nr."))
    file_stem = models.CharField(_("Dateiname"), max_length=200)
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    docx = models.FileField(_("Word-Datei"), max_length=300, blank=True)
    docx_sha256 = models.CharField(_("SHA-256 (Word)"), max_length=64, blank=True)
    pdf_status = models.CharField(
        _("PDF-Status"), max_length=20, choices=PdfStatus.choices, default=PdfStatus.PENDING
    )
    pdf = models.FileField(_("PDF/A-Datei"), max_length=300, blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 (PDF)"), max_length=64, blank=True)
    # Shown to the officer next to the retry action; never contains personal data.
    error = models.TextField(_("Fehler"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("Versuche"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("angefordert von"),
    )
    created_at = models.DateTimeField(_("angefordert am"), default=timezone.now)
    finished_at = models.DateTimeField(_("fertig am"), null=True, blank=True)
    # When the render job was last put in the queue (request, retry, re-queue of a lost job).
    queued_at = models.DateTimeField(_("in Auftrag gegeben am"), default=timezone.now)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("Dokument")
        verbose_name_plural = _("Dokumente")
        ordering = ["review", "kind", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "kind", "number"], name="document_number_unique"
            ),
            # One document per kind and statement version: requesting again is idempotent.
            models.UniqueConstraint(
                fields=["statement_version", "kind"],
                condition=Q(statement_version__isnull=False),
                name="document_once_per_statement_version",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="document_number_from_1"),
            models.CheckConstraint(
                condition=~Q(status="ready") | (~Q(docx="") & ~Q(docx_sha256="")),
                name="document_ready_has_docx",
            ),
            models.CheckConstraint(
                condition=~Q(pdf_status="done") | (~Q(pdf="") & ~Q(pdf_sha256="")),
                name="document_pdf_done_has_pdf",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} Nr. {self.number} ({self.file_stem})"

    @property
    def is_finished(self) -> bool:
        return self.status == Document.Status.READY and self.pdf_status in (
            Document.PdfStatus.DONE,
            Document.PdfStatus.SKIPPED,
        )

    @property
    def is_in_progress(self) -> bool:
        return self.status == Document.Status.PENDING or (
            self.status == Document.Status.READY and self.pdf_status == Document.PdfStatus.PENDING
        )

    @property
    def is_stale(self) -> bool:
        """Still being made although its job should long be done: the job was lost."""
        cutoff = timezone.now() - timedelta(minutes=settings.REQUEUE_AFTER_MINUTES)
        return self.is_in_progress and self.queued_at < cutoff

    @property
    def has_failed(self) -> bool:
        return self.status == Document.Status.FAILED or self.pdf_status == Document.PdfStatus.FAILED

    @property
    def docx_filename(self) -> str:
        return f"{self.file_stem}.docx"

    @property
    def pdf_filename(self) -> str:
        return f"{self.file_stem}.pdf"
