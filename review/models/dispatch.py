"""Versand: one row per statement document mailed to one address, with the receipt confirmation."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .documents import Document
from .oparl import Consultation, Organization
from .people import User
from .reviews import Review, StatementVersion


class DispatchQuerySet(models.QuerySet["Dispatch"]):
    def for_review(self, review: Review) -> DispatchQuerySet:
        """The review page's list: newest statement version first, with the overdue flag."""
        return (
            self.filter(review=review)
            .with_overdue_flag()
            .select_related("recipient", "organization", "confirmed_by", "statement_version")
            .order_by("-statement_version__number", "audience", "email")
        )

    def for_clerks(self) -> DispatchQuerySet:
        return self.filter(audience=Dispatch.Audience.CLERK)

    def sent(self) -> DispatchQuerySet:
        return self.filter(status=Dispatch.Status.SENT)

    def _overdue_condition(self, now: datetime | None = None) -> Q:
        now = now or timezone.now()
        confirm_before = now - timedelta(days=settings.DISPATCH_CONFIRM_DAYS)
        meeting_soon = now + timedelta(days=settings.DISPATCH_MEETING_WARNING_DAYS)
        # The committee this mail went to deliberates the paper in the next few days.
        meeting_near = Exists(
            Consultation.objects.filter(
                paper_id=OuterRef("review__paper_id"),
                organizations=OuterRef("organization_id"),
                meeting__start__gte=now,
                meeting__start__lte=meeting_soon,
                meeting__cancelled=False,
            )
        )
        return Q(
            Q(audience=Dispatch.Audience.CLERK),
            Q(status=Dispatch.Status.SENT),
            Q(confirmed_at__isnull=True),
            Q(sent_at__lt=confirm_before) | meeting_near,
        )

    def unconfirmed_overdue(self, now: datetime | None = None) -> DispatchQuerySet:
        """Clerks' mails not confirmed DISPATCH_CONFIRM_DAYS after sending, or with the
        committee's meeting on the paper closer than DISPATCH_MEETING_WARNING_DAYS."""
        return self.filter(self._overdue_condition(now))

    def with_overdue_flag(self, now: datetime | None = None) -> DispatchQuerySet:
        return self.annotate(
            overdue=models.ExpressionWrapper(
                self._overdue_condition(now), output_field=models.BooleanField()
            )
        )


class Dispatch(models.Model):
    """A statement document e-mailed to a clerk, a committee's office address or a Beirat member.

    Unique per (document, address): dispatching again, a retried or redelivered task never mails
    the same document to the same address twice.
    """

    class Audience(models.TextChoices):
        CLERK = "clerk", _("Committee service")
        BEIRAT = "beirat", _("Beirat")

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting dispatch")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    review = models.ForeignKey(
        Review, on_delete=models.PROTECT, related_name="dispatches", verbose_name=_("Vorgang")
    )
    statement_version = models.ForeignKey(
        StatementVersion,
        on_delete=models.PROTECT,
        related_name="dispatches",
        verbose_name=_("Fassung der Stellungnahme"),
    )
    # The key names the document ("committee:17"; tests without a Document use the statement
    # version): one document is mailed to one address once.
    document_key = models.CharField(_("Dokument"), max_length=100)
    document = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dispatches",
        verbose_name=_("Dokument"),
    )
    # What is mailed: [{"path": storage name, "filename": ..., "content_type": ...}], fixed at
    # dispatch time so that a retry sends exactly what was dispatched.
    attachments = models.JSONField(_("Anlagen"), default=list, blank=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dispatches",
        verbose_name=_("Empfänger/in"),
    )
    email = models.EmailField(_("E-Mail-Adresse"))
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dispatches",
        verbose_name=_("Gremium"),
    )
    audience = models.CharField(_("Empfängerkreis"), max_length=20, choices=Audience.choices)
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("versandt von"),
    )
    created_at = models.DateTimeField(_("angelegt"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("Versuche"), default=0)
    sent_at = models.DateTimeField(_("versandt am"), null=True, blank=True)
    error = models.CharField(_("Fehler"), max_length=500, blank=True)
    confirmed_at = models.DateTimeField(_("Eingang bestätigt am"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Eingang bestätigt von"),
    )

    objects = DispatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("Versand")
        verbose_name_plural = _("Versand")
        ordering = ["review", "audience", "email"]
        constraints = [
            models.UniqueConstraint(
                fields=["document_key", "email"], name="dispatch_once_per_document_and_address"
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="dispatch_sent_has_time",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True)
                | (Q(status="sent") & Q(confirmed_by__isnull=False)),
                name="dispatch_confirmed_after_sending_by_someone",
            ),
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | Q(organization__isnull=False),
                name="dispatch_has_person_or_committee",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "confirmed_at"], name="dispatch_open_receipt_idx")
        ]

    def __str__(self) -> str:
        return f"{self.review.paper.reference or self.review_id} → {self.email}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    def may_be_confirmed_by(self, user: User) -> bool:
        """The addressed clerk, or a clerk of the committee whose office address it went to."""
        if self.audience != Dispatch.Audience.CLERK or self.status != Dispatch.Status.SENT:
            return False
        if user.pk is not None and self.recipient_id == user.pk:
            return True
        return (
            self.recipient_id is None
            and self.organization_id is not None
            and user.has_perm("review.view_released_statement")
            and user.organizations.filter(pk=self.organization_id).exists()
        )


class StatementDownload(models.Model):
    """When a person last downloaded a case's statement (a single file or in a meeting's
    package): the clerk's card reads "downloaded" from here, the audit trail keeps each
    download as its trail."""

    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="downloads", verbose_name=_("Vorgang")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="statement_downloads",
        verbose_name=_("Person"),
    )
    last_downloaded_at = models.DateTimeField(_("zuletzt heruntergeladen am"))

    class Meta:
        verbose_name = _("Herunterladen einer Stellungnahme")
        verbose_name_plural = _("Herunterladen von Stellungnahmen")
        constraints = [
            models.UniqueConstraint(fields=["review", "person"], name="one_download_row_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.review_id} ← {self.person_id} ({self.last_downloaded_at:%Y-%m-%d %H:%M})"
