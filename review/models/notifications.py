"""In-app notifications and the e-mails sent for them, with each person's preferences."""

from __future__ import annotations

from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .people import person_id_column


class NotificationKind(models.TextChoices):
    TASK_ASSIGNED = "task_assigned", _("A task was assigned to me")
    DUE_SOON = "due_soon", _("A due date is approaching")
    OVERDUE = "overdue", _("Overdue, or escalated to me as deputy")
    STATEMENT_RELEASED = "statement_released", _("A statement was released to my committee")
    BEIRAT_VOTE_REQUESTED = "beirat_vote_requested", _("The Beirat's vote is requested")
    OUTCOME_RECORDED = "outcome_recorded", _("The committee's decision was recorded")
    DECISION_IMPORTED = (
        "decision_imported",
        _("The committee's decision on my case arrived from the council information system"),
    )


class Delivery(models.TextChoices):
    IMMEDIATELY = "immediately", _("Immediately")
    DIGEST = "digest", _("Daily digest")
    OFF = "off", _("No e-mail")


# What a person gets before choosing: urgent things at once, the rest once a day.
DEFAULT_DELIVERY: dict[str, str] = {
    NotificationKind.TASK_ASSIGNED: Delivery.IMMEDIATELY,
    NotificationKind.DUE_SOON: Delivery.DIGEST,
    NotificationKind.OVERDUE: Delivery.IMMEDIATELY,
    NotificationKind.STATEMENT_RELEASED: Delivery.IMMEDIATELY,
    NotificationKind.BEIRAT_VOTE_REQUESTED: Delivery.IMMEDIATELY,
    NotificationKind.OUTCOME_RECORDED: Delivery.DIGEST,
    NotificationKind.DECISION_IMPORTED: Delivery.IMMEDIATELY,
}


class NotificationPreferenceQuerySet(models.QuerySet["NotificationPreference"]):
    def delivery_for(self, user_id: int, kind: str) -> str:
        chosen = self.filter(user_id=user_id, kind=kind).values_list("delivery", flat=True).first()
        return chosen or DEFAULT_DELIVERY.get(kind, Delivery.IMMEDIATELY)


class NotificationPreference(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("Person"),
    )
    kind = models.CharField(_("Kind"), max_length=40, choices=NotificationKind.choices)
    delivery = models.CharField(
        _("E-mail"), max_length=20, choices=Delivery.choices, default=Delivery.IMMEDIATELY
    )

    objects = NotificationPreferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("Notification preference")
        verbose_name_plural = _("Notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_pref_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} → {self.delivery}"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_user(self, user_id: int) -> NotificationQuerySet:
        return self.filter(recipient_id=user_id)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def waiting_for_digest(self) -> NotificationQuerySet:
        return self.filter(status=Notification.Status.DIGEST_PENDING)


class Notification(models.Model):
    """One message for one person. The unique key makes every event notify a person once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("E-mail queued")
        SENDING = "sending", _("E-mail being sent")
        SENT = "sent", _("E-mail sent")
        DIGEST_PENDING = "digest_pending", _("Waiting for the daily digest")
        IN_DIGEST = "in_digest", _("Sent in the daily digest")
        NO_EMAIL = "no_email", _("No e-mail wanted")
        FAILED = "failed", _("E-mail failed")

    kind = models.CharField(_("Kind"), max_length=40, choices=NotificationKind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("Recipient"),
    )
    review = models.ForeignKey(
        "review.Review",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("Case"),
    )
    # Names the event, e.g. "review:12:assigned:3"; the same event never notifies twice.
    dedupe_key = models.CharField(max_length=200)
    title = models.CharField(_("Title"), max_length=300)
    context = models.JSONField(default=dict, blank=True)
    link = models.CharField(_("Link"), max_length=500, blank=True)
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("Created at"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("Read at"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(_("E-mailed at"), null=True, blank=True)
    digest_batch = models.CharField(max_length=64, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("Notification")
        verbose_name_plural = _("Notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "dedupe_key"], name="notification_once_per_event"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["sent", "in_digest"]) | Q(emailed_at__isnull=False),
                name="notification_sent_has_time",
            ),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    @staticmethod
    def unread_count_of_person() -> RawSQL:
        """`Notification.objects.for_user(pk).unread().count()` as an annotation of a query over
        people (the header's badge on every page)."""
        quote = connection.ops.quote_name
        meta = Notification._meta
        recipient = quote(str(meta.get_field("recipient").column))
        read_at = quote(str(meta.get_field("read_at").column))
        person = person_id_column()
        return RawSQL(
            f"(SELECT COUNT(*) FROM {quote(meta.db_table)} "
            f"WHERE {recipient} = {person} AND {read_at} IS NULL)",
            (),
            output_field=models.IntegerField(),
        )

    def mark_read(self) -> None:
        if self.read_at is None:
            self.read_at = timezone.now()
            self.save(update_fields=["read_at"])
