"""Append-only audit trail with a hash chain.

Each event stores the SHA-256 of its own content together with its predecessor's hash, so a
row changed or removed behind the application's back breaks the chain at that point. On
PostgreSQL a trigger (migration 0002) also refuses UPDATE and DELETE on the table.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .expressions import ConstantQuery
from .reviews import ImmutableRowError

GENESIS_HASH = "0" * 64
# Arbitrary constant naming the advisory lock that serialises appends to the chain.
_CHAIN_LOCK_KEY = 4_711_2024


class AuditVerb(models.TextChoices):
    """What happened, one value per kind of event (subject.action); the label is the sentence
    the case timeline shows. Every writer passes a member: a test fails on a member that no
    code writes."""

    ACCOUNT_DEACTIVATED = "account.deactivated", _("Access deactivated")
    ACCOUNT_INVITATION_ACCEPTED = "account.invitation_accepted", _("Invitation accepted")
    ACCOUNT_INVITATION_RESENT = "account.invitation_resent", _("Invitation sent again")
    ACCOUNT_INVITED = "account.invited", _("Access invited")
    ACCOUNT_REACTIVATED = "account.reactivated", _("Access reactivated")
    ACCOUNT_SECOND_FACTOR_RESET = "account.second_factor_reset", _("Second factor reset")
    ACCOUNT_ABSENCE_SET = "account.absence_set", _("Absence and deputy set")
    BEIRAT_VOTE_RECORDED = "beirat_vote.recorded", _("Vote of the Beirat recorded")
    PARTICIPATION_CLOSED = "consultation.closed", _("Participation closed")
    PARTICIPATION_STARTED = "consultation.started", _("Participation started")
    CONTRIBUTION_DECLINED = "contribution.declined", _("Participation declined")
    CONTRIBUTION_GIVEN = "contribution.given", _("Contribution or co-signature given")
    DISPATCH_FAILED = "dispatch.failed", _("Dispatch failed")
    DISPATCH_NO_RECIPIENTS = "dispatch.no_recipients", _("Not sent: no recipients on record")
    DISPATCH_RESENT = "dispatch.resent", _("Dispatch started again")
    DISPATCH_SENT = "dispatch.sent", _("Statement sent")
    DOCUMENTS_FAILED = "documents.failed", _("Generating the documents failed")
    DOCUMENTS_GENERATED = "documents.generated", _("Documents generated")
    DOCUMENTS_REQUEST_FAILED = "documents.request_failed", _("The documents could not be requested")
    DOCUMENTS_REQUESTED = "documents.requested", _("Documents requested")
    DOCUMENTS_RETRIED = "documents.retried", _("Generating the documents restarted")
    DOCUMENTS_REQUEUED = "documents.requeued", _("Document queued again after its job was lost")
    RECEIPT_CONFIRMED = "receipt.confirmed", _("Receipt confirmed")
    REVIEW_ASSIGNED = "review.assigned", _("Case assigned")
    REVIEW_DECISION_IMPORTED = (
        "review.decision_imported",
        _("Decision taken over from the council information system"),
    )
    REVIEW_OPENED = "review.opened", _("Case opened")
    REVIEW_OUTCOME_RECORDED = "review.outcome_recorded", _("Decision recorded, case closed")
    REVIEW_REASSIGNED = "review.reassigned", _("Case reassigned")
    REVIEW_RELINKED = (
        "review.relinked",
        _("Paper linked anew: the council information system changed its id"),
    )
    REVIEW_TRIAGED = "review.triaged", _("Paper triaged: relevant")
    STATEMENT_APPROVED = "statement.approved", _("Statement approved")
    STATEMENT_DISPATCHED = "statement.dispatched", _("Dispatch of the statement started")
    STATEMENT_DOWNLOADED = "statement.downloaded", _("Statement downloaded")
    STATEMENT_SAVED = "statement.saved", _("Statement saved")
    STATEMENT_SENT_BACK = "statement.sent_back", _("Statement sent back for revision")
    STATEMENT_SUBMITTED = "statement.submitted", _("Statement submitted for final approval")
    TASK_CLAIMED = "task.claimed", _("Task claimed")
    TASK_ESCALATED = "task.escalated", _("Overdue task escalated to the deputy")
    TASK_OVERDUE = "task.overdue", _("Task overdue: reminder sent")
    TEMPLATE_ACTIVATED = "template.activated", _("Word template activated")
    # Beschlusskontrolle and the situation report (review/followups, review/reports).
    FOLLOWUP_OPENED = "followup.opened", _("Follow-up on the decision opened")
    FOLLOWUP_STATUS_CHANGED = "followup.status_changed", _("Status of the follow-up reported")
    FOLLOWUP_OVERDUE = "followup.overdue", _("Follow-up overdue: reminder sent")
    REPORT_REQUESTED = "report.requested", _("Situation report requested")
    REPORT_GENERATED = "report.generated", _("Situation report generated")
    REPORT_FAILED = "report.failed", _("Situation report could not be generated")
    REPORT_TEMPLATE_UPLOADED = "report_template.uploaded", _("Report template uploaded")
    # Directory sign-in (review/accounts/directory.py, docs/sso.md).
    ACCOUNT_DIRECTORY_CREATED = (
        "account.directory_created",
        _("Account created at directory sign-in"),
    )
    ACCOUNT_DIRECTORY_UPDATED = "account.directory_updated", _("Access updated from the directory")
    ACCOUNT_DIRECTORY_REACTIVATED = (
        "account.directory_reactivated",
        _("Access reactivated by the directory"),
    )
    ACCOUNT_DIRECTORY_DEACTIVATED = (
        "account.directory_deactivated",
        _("Access deactivated by the directory"),
    )
    # Hand-over to the archive (review/archive).
    ARCHIVE_OFFERED = "archive.offered", _("Offered to the archive")
    ARCHIVE_OFFER_CREATED = "archive.offer_created", _("Offer list for the archive created")
    ARCHIVE_EVALUATED = "archive.evaluated", _("Archive's evaluation imported")
    ARCHIVE_EXPORTED = "archive.exported", _("Package handed over to the archive")
    ARCHIVE_CLOSED = "archive.closed", _("Archive hand-over closed")
    ARCHIVE_CASES_DELETED = "archive.cases_deleted", _("Handed-over cases deleted")
    DEMO_HISTORY = "demo.history", _("Demo history of the past year created")
    # Office-wide settings: audited, but they belong to no case's timeline.
    RELEVANCE_PROFILE_CHANGED = "relevance.profile_changed", _("Relevance profile changed")
    RELEVANCE_WATCHED_CHANGED = (
        "relevance.watched_changed",
        _("Watched committees and lead offices changed"),
    )
    RELEVANCE_RESCORE_REQUESTED = "relevance.rescore_requested", _("Papers scored again")
    TEMPLATE_UPLOADED = "template.uploaded", _("Word template uploaded")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise ImmutableRowError("Audit-Ereignisse sind unveränderlich.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableRowError("Audit-Ereignisse werden nicht gelöscht.")

    def for_object(self, obj: models.Model) -> AuditEventQuerySet:
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        )

    def first_broken(self) -> AuditEvent | None:
        """The first event whose hash or link does not match, or None if the chain is intact."""
        previous = GENESIS_HASH
        for event in self.order_by("id").iterator(chunk_size=2000):
            if event.prev_hash != previous or event.compute_hash() != event.hash:
                return event
            previous = event.hash
        return None


class AuditEvent(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Person"),
    )
    # "system", "oparl-sync", … when no person acted.
    actor_label = models.CharField(_("Akteur"), max_length=150, blank=True)
    # No `choices=` here: the writers take an AuditVerb (typed), and the timeline reads its label.
    # With choices every new verb would need a migration that only repeats the list.
    verb = models.CharField(_("Aktion"), max_length=100, db_index=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("Objekt"), max_length=300, blank=True)
    # Denormalised so a case's timeline is one indexed query. No database constraint: the
    # events of a case outlive it once it is deleted after its archive hand-over, and the id
    # stays in the hashed part, so the chain still verifies (docs/retention.md).
    review = models.ForeignKey(
        "review.Review",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("Vorgang"),
    )
    created_at = models.DateTimeField(_("Zeitpunkt"), default=timezone.now, db_index=True)
    details = models.JSONField(_("Details"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("Audit-Ereignis")
        verbose_name_plural = _("Audit-Protokoll")
        ordering = ["id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(fields=["prev_hash"], name="audit_chain_has_no_forks"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%d.%m.%Y %H:%M} {self.verb} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ImmutableRowError("Audit-Ereignisse sind unveränderlich.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRowError("Audit-Ereignisse werden nicht gelöscht.")

    def compute_hash(self) -> str:
        payload = {
            "prev": self.prev_hash,
            "actor": self.actor_id,
            "actor_label": self.actor_label,
            "verb": self.verb,
            "content_type": self.content_type_id,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "review": self.review_id,
            "created_at": self.created_at.astimezone(UTC).isoformat(),
            "details": self.details,
        }
        encoded = json.dumps(payload, sort_keys=True, cls=DjangoJSONEncoder, ensure_ascii=False)
        return hashlib.sha256(encoded.encode()).hexdigest()

    @classmethod
    def record(
        cls,
        verb: AuditVerb,
        *,
        actor: Any = None,
        actor_label: str = "",
        obj: models.Model | None = None,
        review: Any = None,
        details: dict[str, Any] | None = None,
    ) -> AuditEvent:
        """Append one event to the chain. Call inside the transaction of the change it records."""
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
            last = _last_hash()
            event = cls(
                verb=verb,
                actor=actor if getattr(actor, "pk", None) else None,
                actor_label=actor_label or ("" if getattr(actor, "pk", None) else "system"),
                content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
                object_id=str(obj.pk) if obj is not None else "",
                object_repr=str(obj)[:300] if obj is not None else "",
                review=review,
                details=json.loads(json.dumps(details or {}, cls=DjangoJSONEncoder)),
                prev_hash=last or GENESIS_HASH,
            )
            event.hash = event.compute_hash()
            event.save()
            return event

    @classmethod
    def record_many(
        cls,
        verb: AuditVerb,
        *,
        actor_label: str,
        entries: list[tuple[models.Model, str, Any, dict[str, Any]]],
    ) -> list[AuditEvent]:
        """Append many events in one insert: (object, its repr, review, details) each.

        For bulk jobs such as the OParl sync, where `str(obj)` would cost a query per row.
        """
        if not entries:
            return []
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
            previous = _last_hash() or GENESIS_HASH
            now = timezone.now()
            events: list[AuditEvent] = []
            for obj, obj_repr, review, details in entries:
                event = cls(
                    verb=verb,
                    actor_label=actor_label,
                    content_type=ContentType.objects.get_for_model(obj),
                    object_id=str(obj.pk),
                    object_repr=obj_repr[:300],
                    review=review,
                    created_at=now,
                    details=json.loads(json.dumps(details, cls=DjangoJSONEncoder)),
                    prev_hash=previous,
                )
                event.hash = event.compute_hash()
                previous = event.hash
                events.append(event)
            return list(cls.objects.bulk_create(events))  # type: ignore[arg-type]


# The chain's newest hash, read by every change of every service: the query is compiled once per
# process (review/models/expressions.py) and read anew each time, under the chain's lock.
_LAST_HASH = ConstantQuery(lambda: AuditEvent.objects.order_by("-id").values_list("hash")[:1])


def _last_hash() -> str | None:
    rows = _LAST_HASH.rows()
    return str(rows[0][0]) if rows else None
