"""Our own case data: one Review per paper, its Statement with immutable versions."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .oparl import Paper
from .people import User

if TYPE_CHECKING:
    from .send_backs import SendBack


class Topic(models.Model):
    """Handlungsfeld, e.g. Bildung, Arbeit, Wohnen."""

    name = models.CharField(_("Name"), max_length=100, unique=True)
    slug = models.SlugField(_("Kürzel"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("Handlungsfeld")
        verbose_name_plural = _("Handlungsfelder")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class InvalidTransition(Exception):
    """A service tried to move a case along a path the state machine does not have."""


class ReviewQuerySet(models.QuerySet):
    def open(self) -> ReviewQuerySet:
        return self.exclude(status__in=Review.Status.closed_values())

    def overdue(self, today: date | None = None) -> ReviewQuerySet:
        return self.open().filter(deadline__lt=today or timezone.localdate())

    def due_soon(self, days: int | None = None, today: date | None = None) -> ReviewQuerySet:
        """Due within `days` (a person's `notice_days`; default: NOTIFY_DUE_SOON_DAYS)."""
        days = settings.NOTIFY_DUE_SOON_DAYS if days is None else days
        today = today or timezone.localdate()
        return self.open().filter(deadline__gte=today, deadline__lte=today + timedelta(days=days))

    def assigned_to(self, user: User) -> ReviewQuerySet:
        return self.filter(assignee=user)

    def awaiting_assignment(self) -> ReviewQuerySet:
        """Triaged as affected, nobody assigned yet: the flow's assignment step is open."""
        return self.filter(status=Review.Status.AWAITING_ASSIGNMENT)

    def in_triage(self) -> ReviewQuerySet:
        """New, not yet triaged: the rows of the triage worklist."""
        return self.filter(status=Review.Status.NEW)

    def due_for_archive(self, closed_before: datetime) -> ReviewQuerySet:
        """Closed before that time and not yet offered to the archive (review/archive/)."""
        return self.filter(
            status__in=Review.Status.closed_values(),
            closed_at__lt=closed_before,
            handover_items__isnull=True,
        )

    def handed_over(self) -> ReviewQuerySet:
        """Cases whose archive hand-over is closed: only these may be deleted."""
        return self.filter(handover_items__handover__status="closed")


class Review(models.Model):
    """Vorgang: one paper under review by the office."""

    class Status(models.TextChoices):
        NEW = "new", _("New – triage open")
        AWAITING_ASSIGNMENT = "awaiting_assignment", _("Awaiting assignment")
        NOT_AFFECTED = "not_affected", _("Not affected")
        ASSIGNED = "assigned", _("Assigned")
        DRAFTING = "drafting", _("Drafting")
        PARTICIPATION = "participation", _("In participation")
        APPROVAL = "approval", _("Awaiting final approval")
        APPROVED = "approved", _("Released")
        DISPATCHED = "dispatched", _("Dispatched")
        CLOSED = "closed", _("Closed")

        @classmethod
        def closed_values(cls) -> list[str]:
            return [cls.NOT_AFFECTED.value, cls.CLOSED.value]

    # Where a case may go from each status: the one state machine of a case. Services move a
    # case only with Review.move_to; the flow's decisions read the status; the open steps of
    # the flow per status are in workflows/flows.py (STEPS_BY_STATUS). docs/state-model.md.
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.NEW: frozenset({Status.NOT_AFFECTED, Status.AWAITING_ASSIGNMENT}),
        Status.AWAITING_ASSIGNMENT: frozenset({Status.ASSIGNED}),
        Status.ASSIGNED: frozenset({Status.DRAFTING, Status.PARTICIPATION, Status.APPROVAL}),
        Status.DRAFTING: frozenset({Status.PARTICIPATION, Status.APPROVAL}),
        Status.PARTICIPATION: frozenset({Status.APPROVAL}),
        Status.APPROVAL: frozenset({Status.APPROVED, Status.DRAFTING}),
        Status.APPROVED: frozenset({Status.DISPATCHED, Status.CLOSED}),
        Status.DISPATCHED: frozenset({Status.CLOSED}),
        Status.NOT_AFFECTED: frozenset(),
        Status.CLOSED: frozenset(),
    }

    class DispatchOutcome(models.TextChoices):
        NONE = "", _("not dispatched yet")
        STARTED = "started", _("Dispatch started")
        NO_RECIPIENTS = "no_recipients", _("Not sent: no recipients on record")
        FAILED = "failed", _("Dispatch failed")

    class Outcome(models.TextChoices):
        NONE = "", _("still open")
        FOLLOWED = "followed", _("Recommendation followed")
        PARTLY = "partly", _("Recommendation partly followed")
        NOT_FOLLOWED = "not_followed", _("Recommendation not followed")

    paper = models.OneToOneField(
        Paper, on_delete=models.PROTECT, related_name="review", verbose_name=_("Vorlage")
    )
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_reviews",
        verbose_name=_("Bearbeitung"),
    )
    # When the case was first assigned (a reassignment keeps it): the report times the drafting
    # step from it.
    assigned_at = models.DateTimeField(_("zugewiesen am"), null=True, blank=True)
    # Who triaged the case and when (as "betroffen": AWAITING_ASSIGNMENT; as not affected:
    # NOT_AFFECTED, with closed_at the same time).
    triaged_at = models.DateTimeField(_("gesichtet am"), null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gesichtet von"),
    )
    relevance_score = models.PositiveSmallIntegerField(_("Relevanz"), default=0)
    relevance_reasons = models.JSONField(_("Gründe"), default=list, blank=True)
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="reviews", verbose_name=_("Handlungsfelder")
    )
    deadline = models.DateField(_("Frist"), null=True, blank=True, db_index=True)
    beirat_deadline = models.DateField(_("interne Frist (Beirat)"), null=True, blank=True)
    summary = models.TextField(_("Kurzfassung"), blank=True)
    shared_with_beirat = models.BooleanField(_("für den Beirat freigegeben"), default=False)
    # The version the office put to the Beirat when it asked for the vote: members read it before
    # they vote, while later working drafts stay in the office.
    beirat_draft = models.ForeignKey(
        "review.StatementVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dem Beirat vorgelegte Fassung"),
    )
    # When the first participation started (a second one after a send-back keeps it): the report
    # times the Beirat's step from it.
    participation_started_at = models.DateTimeField(
        _("Beteiligung begonnen am"), null=True, blank=True
    )
    # When the statement was first submitted for the Schlusszeichnung (a resubmission after a
    # send-back keeps it): the report's drafting step ends and its approval step starts there.
    submitted_at = models.DateTimeField(
        _("zur Schlusszeichnung vorgelegt am"), null=True, blank=True
    )
    close_reason = models.CharField(_("Begründung"), max_length=500, blank=True)
    closed_at = models.DateTimeField(_("abgeschlossen am"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("abgeschlossen von"),
    )
    decision_result = models.CharField(_("Beschluss des Gremiums"), max_length=500, blank=True)
    decision_text = models.TextField(_("Beschlusstext"), blank=True)
    decided_at = models.DateTimeField(_("entschieden am"), null=True, blank=True)
    outcome = models.CharField(
        _("Ergebnis"), max_length=20, choices=Outcome.choices, default=Outcome.NONE, blank=True
    )
    # What the dispatch step found; the per-address results are the Dispatch rows.
    dispatch_outcome = models.CharField(
        _("Versand"),
        max_length=20,
        choices=DispatchOutcome.choices,
        default=DispatchOutcome.NONE,
        blank=True,
    )
    dispatch_error = models.CharField(_("Fehler beim Versand"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("aktualisiert"), auto_now=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("Vorgang")
        verbose_name_plural = _("Vorgänge")
        ordering = ["deadline", "id"]
        permissions = [
            ("triage_review", _("Kann Vorlagen sichten")),
            ("assign_review", _("Kann Vorgänge zuweisen")),
            ("draft_statement", _("Kann Stellungnahmen entwerfen")),
            ("approve_statement", _("Kann Stellungnahmen schlusszeichnen")),
            ("dispatch_statement", _("Kann Stellungnahmen versenden")),
            ("record_outcome", _("Kann Beschlüsse erfassen")),
            ("view_released_statement", _("Kann freigegebene Stellungnahmen empfangen")),
            ("view_shared_review", _("Kann für den Beirat freigegebene Vorgänge sehen")),
            ("record_beirat_vote", _("Kann das Votum des Beirats erfassen")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(relevance_score__lte=100), name="review_relevance_score_at_most_100"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["not_affected", "closed"]) | Q(closed_at__isnull=False),
                name="review_closed_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="not_affected") | ~Q(close_reason=""),
                name="review_not_affected_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(beirat_deadline__isnull=True)
                | Q(deadline__isnull=True)
                | Q(beirat_deadline__lte=models.F("deadline")),
                name="review_beirat_deadline_not_after_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.paper.reference or self.paper_id}: {self.get_status_display()}"

    def move_to(self, status: Review.Status) -> None:
        """Change the status along TRANSITIONS (the caller saves); anything else is a bug."""
        if status not in self.TRANSITIONS[self.status]:
            raise InvalidTransition(f"{self.status} → {status}")
        self.status = status

    def get_status_display(self) -> str:  # type: ignore[no-redef]  # Django allows overriding
        # Django's version builds a dictionary of every choice on each call; lists show this in
        # every row (docs/performance.md).
        return str(_STATUS_LABELS.get(self.status, self.status))

    @property
    def is_closed(self) -> bool:
        return self.status in Review.Status.closed_values()

    def is_overdue(self, today: date | None = None) -> bool:
        return (
            not self.is_closed
            and self.deadline is not None
            and self.deadline < (today or timezone.localdate())
        )

    def approved_version(self) -> StatementVersion | None:
        """The newest version with a Schlusszeichnung: documents are made in its approver's name."""
        return (
            StatementVersion.objects.filter(statement__review=self, approved_at__isnull=False)
            .select_related("approved_by")
            .order_by("-approved_at", "-id")
            .first()
        )

    def latest_send_back(self) -> SendBack | None:
        """The newest send-back: the drafter sees its reason above the editor."""
        return (
            self.send_backs.select_related("sent_back_by", "version")
            .order_by("-created_at", "-id")
            .first()
        )

    def awaits_beirat_vote(self) -> bool:
        """Shared with the Beirat and its vote not yet recorded."""
        return self.shared_with_beirat and not BeiratVote.objects.filter(review=self).exists()

    def awaits_contributions(self) -> bool:
        """A colleague's contribution or co-signature is still requested."""
        return self.contributions.filter(status=Contribution.Status.REQUESTED).exists()

    def is_due_soon(self, days: int | None = None, today: date | None = None) -> bool:
        days = settings.NOTIFY_DUE_SOON_DAYS if days is None else days
        today = today or timezone.localdate()
        return (
            not self.is_closed
            and self.deadline is not None
            and today <= self.deadline <= today + timedelta(days=days)
        )


_STATUS_LABELS = dict(Review.Status.choices)


class Statement(models.Model):
    """Stellungnahme: the office's statement on a paper; its text lives in versions."""

    review = models.OneToOneField(
        Review, on_delete=models.PROTECT, related_name="statement", verbose_name=_("Vorgang")
    )
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)

    class Meta:
        verbose_name = _("Stellungnahme")
        verbose_name_plural = _("Stellungnahmen")

    def __str__(self) -> str:
        return f"Stellungnahme zu {self.review.paper.reference}"

    @property
    def current_version(self) -> StatementVersion | None:
        return self.versions.order_by("-number").first()


class Recommendation(models.TextChoices):
    """Votum / Empfehlung."""

    APPROVE = "approve", _("Approval")
    APPROVE_WITH_CHANGES = "approve_with_changes", _("Approval with changes")
    REJECT = "reject", _("Rejection")
    NOTE = "note", _("Taking note")


class ImmutableRowError(Exception):
    pass


class StatementVersion(models.Model):
    """One saved state of a statement. Versions are never changed; every save adds one."""

    statement = models.ForeignKey(
        Statement,
        on_delete=models.PROTECT,
        related_name="versions",
        verbose_name=_("Stellungnahme"),
    )
    number = models.PositiveIntegerField(_("Version"))
    facts = models.TextField(_("Sachverhalt"), blank=True)
    assessment = models.TextField(_("Bewertung"), blank=True)
    recommendation = models.CharField(
        _("Empfehlung/Votum"), max_length=30, choices=Recommendation.choices, blank=True
    )
    recommendation_text = models.TextField(_("Begründung der Empfehlung"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="statement_versions",
        verbose_name=_("Verfasst von"),
    )
    created_at = models.DateTimeField(_("gespeichert"), default=timezone.now)
    note = models.CharField(_("Anmerkung"), max_length=300, blank=True)
    # The Schlusszeichnung of this version. The text never changes; the approval is the one
    # fact added later, once, by statement_approve (an update, not save()).
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("schlussgezeichnet von"),
    )
    approved_at = models.DateTimeField(_("schlussgezeichnet am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Fassung der Stellungnahme")
        verbose_name_plural = _("Fassungen der Stellungnahme")
        ordering = ["statement", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "number"], name="statement_version_number_unique"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="statement_version_from_1"),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True, approved_at__isnull=True)
                | Q(approved_by__isnull=False, approved_at__isnull=False),
                name="statement_version_approval_has_person_and_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.statement} – Fassung {self.number}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ImmutableRowError("Fassungen einer Stellungnahme sind unveränderlich.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ImmutableRowError("Fassungen einer Stellungnahme werden nicht gelöscht.")


class ChangeProposal(models.Model):
    """A row of the Änderungsvorschläge table: place in the paper, proposal, reason."""

    version = models.ForeignKey(
        StatementVersion,
        on_delete=models.PROTECT,
        related_name="change_proposals",
        verbose_name=_("Fassung"),
    )
    position = models.PositiveSmallIntegerField(_("Nr."))
    location = models.CharField(_("Stelle in der Vorlage"), max_length=300)
    proposal = models.TextField(_("Vorschlag"))
    reason = models.TextField(_("Begründung"), blank=True)

    class Meta:
        verbose_name = _("Änderungsvorschlag")
        verbose_name_plural = _("Änderungsvorschläge")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "position"], name="change_proposal_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.location}"


class BeiratVote(models.Model):
    """The Ausländerbeirat's vote on a review (Votum des Beirats)."""

    review = models.OneToOneField(
        Review, on_delete=models.PROTECT, related_name="beirat_vote", verbose_name=_("Vorgang")
    )
    vote = models.CharField(_("Votum"), max_length=30, choices=Recommendation.choices)
    text = models.TextField(_("Begründung/Text"), blank=True)
    meeting_date = models.DateField(_("Sitzung des Beirats am"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("erfasst von"),
    )
    recorded_at = models.DateTimeField(_("erfasst am"), default=timezone.now)

    class Meta:
        verbose_name = _("Votum des Beirats")
        verbose_name_plural = _("Voten des Beirats")

    def __str__(self) -> str:
        return f"{self.get_vote_display()} ({self.review})"


class Contribution(models.Model):
    """A contribution or co-signature (Mitzeichnung) asked of a colleague of another office."""

    class Kind(models.TextChoices):
        CONTRIBUTION = "contribution", _("Contribution")
        CO_SIGNATURE = "co_signature", _("Co-signature")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        GIVEN = "given", _("given")
        DECLINED = "declined", _("declined")
        EXPIRED = "expired", _("deadline passed")

    review = models.ForeignKey(
        Review, on_delete=models.PROTECT, related_name="contributions", verbose_name=_("Vorgang")
    )
    contributor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="contributions",
        verbose_name=_("Beteiligte"),
    )
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.REQUESTED
    )
    text = models.TextField(_("Text"), blank=True)
    due_date = models.DateField(_("fällig am"), null=True, blank=True)
    requested_at = models.DateTimeField(_("angefragt am"), default=timezone.now)
    answered_at = models.DateTimeField(_("beantwortet am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Beteiligung")
        verbose_name_plural = _("Beteiligungen")
        ordering = ["review", "requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "contributor", "kind"],
                name="contribution_once_per_person_and_kind",
            ),
            models.CheckConstraint(
                condition=Q(status="requested")
                | Q(status="expired")
                | Q(answered_at__isnull=False),
                name="contribution_answer_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.contributor}"
