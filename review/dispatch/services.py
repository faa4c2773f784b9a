"""Mailing the released statement to the clerks and the Beirat, exactly once per address.

`dispatch_statement` records one `Dispatch` per (document, address) and queues one mail task per
new row after the commit. The task locks the row and moves it from pending to sending before it
talks to the mail server, so a retried, duplicated or redelivered task finds nothing to send.
The dispatch mail is the "statement released" e-mail for everyone it reaches: their in-app
notification is recorded without a second e-mail (see `events.statement_released`).
"""

from __future__ import annotations

import smtplib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from review.models import (
    AuditEvent,
    AuditVerb,
    Dispatch,
    NotificationKind,
    Organization,
    Review,
    User,
)
from review.notifications import events
from review.notifications.services import notify

from . import emails
from .documents import BEIRAT, COMMITTEE, OutgoingDocument, latest_documents

NOT_RELEASED = _("The statement has not had its final approval yet and cannot be sent.")
NO_DOCUMENTS = _("There are no finished documents for the current version of the statement yet.")
NO_RECIPIENTS = _(
    "Neither a committee service nor an e-mail address of the committee office is on record "
    "for the advising committees."
)
NOT_SENT = _("The receipt can only be confirmed once the statement has been sent.")
NOT_ADDRESSEE = _("The receipt is confirmed by the committee service the statement was sent to.")
NOT_FAILED = _("Only failed dispatches are sent again.")
UNCONFIRMED_TASK = gettext_noop("Eingangsbestätigung der Gremienbetreuung fehlt")

# As many tries as the task's retries allow (1 + max_retries).
MAX_ATTEMPTS = 7
# Stored on the dispatch in German; the page translates them when shown.
GAVE_UP = gettext_noop("Versand nach mehreren Versuchen aufgegeben")
WORKER_ENDED = gettext_noop("Versand abgebrochen (Worker beendet)")

# Transient delivery problems (SMTP, network, a file not yet visible): the task retries them.
MAIL_ERRORS = (smtplib.SMTPException, OSError)


class DispatchError(Exception):
    pass


@dataclass(frozen=True)
class Addressee:
    email: str
    audience: str
    recipient: User | None
    organization: Organization | None
    wants_docx: bool


def _consulted_organizations(review: Review) -> list[Organization]:
    seen: dict[int, Organization] = {}
    for consultation in review.paper.consultations.prefetch_related("organizations"):
        for organization in consultation.organizations.all():
            seen.setdefault(organization.pk, organization)
    return list(seen.values())


def recipients_for(review: Review) -> list[Addressee]:
    """Clerks of the consulted Gremien, the Gremien's office addresses, and — for a case shared
    with the Beirat on a public paper — the Beirat's members. One entry per address."""
    organizations = _consulted_organizations(review)
    by_address: dict[str, Addressee] = {}

    def add(addressee: Addressee) -> None:
        by_address.setdefault(addressee.email.lower(), addressee)

    committee_ids = {o.pk for o in organizations}
    for clerk in events.committee_clerks(review):
        if not clerk.email:
            continue
        served = [o for o in clerk.organizations.all() if o.pk in committee_ids]
        add(Addressee(clerk.email, Dispatch.Audience.CLERK, clerk, served[0], clerk.wants_docx))
    for organization in organizations:
        if organization.email and not organization.is_advisory_council:
            add(
                Addressee(
                    organization.email,
                    Dispatch.Audience.CLERK,
                    None,
                    organization,
                    organization.wants_docx,
                )
            )
    # Need-to-know: the Beirat receives the files of shared cases on public papers only.
    if review.shared_with_beirat and review.paper.is_public:
        for member in events.beirat_members(review):
            if member.email:
                add(Addressee(member.email, Dispatch.Audience.BEIRAT, member, None, False))
    return list(by_address.values())


def _document_for(audience: str, documents: Sequence[OutgoingDocument]) -> OutgoingDocument:
    by_kind = {d.kind: d for d in documents}
    committee = by_kind.get(COMMITTEE) or documents[0]
    if audience == Dispatch.Audience.BEIRAT:
        return by_kind.get(BEIRAT) or committee
    return committee


@transaction.atomic
def dispatch_statement(
    *, review: Review, by: User, documents: Sequence[OutgoingDocument] | None = None
) -> list[Dispatch]:
    """Mail the review's latest finished documents to every recipient that has not had them.

    `documents` defaults to `latest_documents(review)`. Calling it again (a re-run flow step)
    returns the existing rows and sends nothing new. Without any recipient it returns [] and
    sets Review.dispatch_outcome to NO_RECIPIENTS (the review page shows NO_RECIPIENTS).
    """
    review = (
        Review.objects.select_for_update(of=("self",)).select_related("paper").get(pk=review.pk)
    )
    if review.status not in (Review.Status.APPROVED, Review.Status.DISPATCHED):
        raise DispatchError(NOT_RELEASED)
    documents = list(latest_documents(review) if documents is None else documents)
    if not documents or not any(d.files for d in documents):
        raise DispatchError(NO_DOCUMENTS)
    addressees = recipients_for(review)
    if not addressees:
        # Raising here would roll back the flow step and leave the case waiting unseen; the
        # office sees the message on the review page instead and mails the statement itself.
        if review.dispatch_outcome != Review.DispatchOutcome.NO_RECIPIENTS:
            review.dispatch_outcome = Review.DispatchOutcome.NO_RECIPIENTS
            review.save(update_fields=["dispatch_outcome", "updated_at"])
            AuditEvent.record(
                AuditVerb.DISPATCH_NO_RECIPIENTS, actor=by, obj=review, review=review, details={}
            )
        return []

    dispatches: list[Dispatch] = []
    created_ids: list[int] = []
    for addressee in addressees:
        document = _document_for(addressee.audience, documents)
        dispatch, created = Dispatch.objects.get_or_create(
            document_key=document.key,
            email=addressee.email,
            defaults={
                "review": review,
                "statement_version_id": document.statement_version_id,
                "document_id": document.document_id,
                "attachments": [
                    f.as_json() for f in document.files_for(wants_docx=addressee.wants_docx)
                ],
                "recipient": addressee.recipient,
                "organization": addressee.organization,
                "audience": addressee.audience,
                "created_by": by,
            },
        )
        dispatches.append(dispatch)
        if created:
            created_ids.append(dispatch.pk)

    if (
        review.status != Review.Status.DISPATCHED
        or review.dispatch_outcome != Review.DispatchOutcome.STARTED
    ):
        if review.status != Review.Status.DISPATCHED:
            review.move_to(Review.Status.DISPATCHED)
        review.dispatch_outcome = Review.DispatchOutcome.STARTED
        review.dispatch_error = ""
        review.save(update_fields=["status", "dispatch_outcome", "dispatch_error", "updated_at"])
    if created_ids:
        AuditEvent.record(
            AuditVerb.STATEMENT_DISPATCHED,
            actor=by,
            obj=review,
            review=review,
            details={
                "documents": sorted({d.document_key for d in dispatches}),
                "recipients": len(created_ids),
                "clerks": sum(d.audience == Dispatch.Audience.CLERK for d in dispatches),
                "beirat": sum(d.audience == Dispatch.Audience.BEIRAT for d in dispatches),
            },
        )
        mailed = {d.recipient_id for d in dispatches if d.recipient_id is not None}
        events.statement_released(review=review, mailed=mailed)
        from .tasks import send_dispatch

        for pk in created_ids:
            transaction.on_commit(partial(send_dispatch.delay, pk))
    return dispatches


@transaction.atomic
def record_failure(*, review: Review, error: str) -> Review:
    """The flow's dispatch step failed as a whole: keep why on the case, go on to the outcome."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    review.dispatch_outcome = Review.DispatchOutcome.FAILED
    review.dispatch_error = error[:300]
    review.save(update_fields=["dispatch_outcome", "dispatch_error", "updated_at"])
    AuditEvent.record(
        AuditVerb.DISPATCH_FAILED,
        actor_label="workflow",
        obj=review,
        review=review,
        details={"error": error[:300]},
    )
    return review


def _claim(dispatch_id: int) -> bool:
    """Lock the row and take it from pending to sending; False if someone else has it."""
    with transaction.atomic():
        row = Dispatch.objects.select_for_update().filter(pk=dispatch_id).first()
        if row is None or row.status != Dispatch.Status.PENDING:
            return False
        Dispatch.objects.filter(pk=dispatch_id).update(
            status=Dispatch.Status.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
        )
    return True


def deliver_dispatch(*, dispatch_id: int) -> bool:
    """Send one dispatch's e-mail if nobody has; True if this call sent it."""
    if not _claim(dispatch_id):
        return False
    dispatch = Dispatch.objects.select_related("review__paper", "recipient", "organization").get(
        pk=dispatch_id
    )
    try:
        emails.dispatch_email(dispatch).send()
    except MAIL_ERRORS as exc:
        # Give the claim back so the retry can send it.
        Dispatch.objects.filter(pk=dispatch_id).update(
            status=Dispatch.Status.PENDING, error=str(exc)[:500]
        )
        raise
    with transaction.atomic():
        Dispatch.objects.filter(pk=dispatch_id).update(
            status=Dispatch.Status.SENT, sent_at=timezone.now(), error=""
        )
        AuditEvent.record(
            AuditVerb.DISPATCH_SENT,
            actor=dispatch.created_by,
            obj=dispatch,
            review=dispatch.review,
            details={
                "audience": dispatch.audience,
                "document": dispatch.document_key,
                "attachments": [a["filename"] for a in dispatch.attachments],
            },
        )
    return True


def mark_failed(*, dispatch_id: int, error: str) -> None:
    with transaction.atomic():
        failed = Dispatch.objects.filter(pk=dispatch_id, status=Dispatch.Status.PENDING).update(
            status=Dispatch.Status.FAILED, error=error[:500]
        )
        if failed:
            dispatch = Dispatch.objects.select_related("review").get(pk=dispatch_id)
            AuditEvent.record(
                AuditVerb.DISPATCH_FAILED,
                actor_label="system",
                obj=dispatch,
                review=dispatch.review,
                details={"error": error[:200]},
            )


@transaction.atomic
def resend_dispatch(*, dispatch: Dispatch, by: User) -> Dispatch:
    """A failed mail (server refused it, worker lost while sending) is queued once more."""
    dispatch = Dispatch.objects.select_for_update(of=("self",)).get(pk=dispatch.pk)
    if dispatch.status != Dispatch.Status.FAILED:
        raise DispatchError(NOT_FAILED)
    dispatch.status = Dispatch.Status.PENDING
    dispatch.save(update_fields=["status"])
    AuditEvent.record(
        AuditVerb.DISPATCH_RESENT,
        actor=by,
        obj=dispatch,
        review=dispatch.review,
        details={"previous_error": dispatch.error[:200]},
    )
    from .tasks import send_dispatch

    transaction.on_commit(partial(send_dispatch.delay, dispatch.pk))
    return dispatch


def requeue_stale(*, now: datetime | None = None) -> int:
    """Mails still pending REQUEUE_AFTER_MINUTES after their last queueing lost their job (a
    Redis restart without persistence, a killed worker): queue them again. The claim in
    `deliver_dispatch` keeps a job that turns up after all from sending a second e-mail."""
    from django.conf import settings

    from .tasks import send_dispatch

    cutoff = (now or timezone.now()) - timedelta(minutes=settings.REQUEUE_AFTER_MINUTES)
    with transaction.atomic():
        pending = (
            Dispatch.objects.select_for_update(skip_locked=True)
            .filter(status=Dispatch.Status.PENDING)
            .filter(Q(claimed_at__lt=cutoff) | Q(claimed_at__isnull=True, created_at__lt=cutoff))
        )
        # A mail the server kept refusing is not retried forever: the office resends it.
        pending.filter(attempts__gte=MAX_ATTEMPTS).update(
            status=Dispatch.Status.FAILED, error=GAVE_UP
        )
        stale = list(pending.filter(attempts__lt=MAX_ATTEMPTS).values_list("pk", flat=True))
        # claimed_at doubles as "last queued" for the next round.
        Dispatch.objects.filter(pk__in=stale).update(claimed_at=timezone.now())
        for pk in stale:
            transaction.on_commit(partial(send_dispatch.delay, pk))
    return len(stale)


def give_up_stuck(*, older_than: timedelta = timedelta(hours=1)) -> int:
    """A worker died while sending: we cannot know whether the mail left, so the row is marked
    failed (the office sees it and may resend) rather than sent again automatically."""
    cutoff = timezone.now() - older_than
    return Dispatch.objects.filter(status=Dispatch.Status.SENDING, claimed_at__lt=cutoff).update(
        status=Dispatch.Status.FAILED, error=WORKER_ENDED
    )


@transaction.atomic
def confirm_receipt(*, dispatch: Dispatch, by: User) -> Dispatch:
    """Eingang bestätigen by the addressed clerk; confirming again changes nothing."""
    dispatch = (
        Dispatch.objects.select_for_update(of=("self",))
        .select_related("review__paper")  # the audit entry names the dispatch by its Vorlage
        .get(pk=dispatch.pk)
    )
    if dispatch.status != Dispatch.Status.SENT:
        raise DispatchError(NOT_SENT)
    if not dispatch.may_be_confirmed_by(by):
        raise DispatchError(NOT_ADDRESSEE)
    if dispatch.confirmed_at is not None:
        return dispatch
    dispatch.confirmed_at = timezone.now()
    dispatch.confirmed_by = by
    dispatch.save(update_fields=["confirmed_at", "confirmed_by"])
    AuditEvent.record(
        AuditVerb.RECEIPT_CONFIRMED,
        actor=by,
        obj=dispatch,
        review=dispatch.review,
        details={"document": dispatch.document_key},
    )
    return dispatch


def flag_unconfirmed(*, now: datetime | None = None) -> int:
    """Tell the office about clerks' receipts that are overdue: the review's assignee (or whoever
    acts for them), else the Beauftragte. Once per review and statement version."""
    overdue: dict[int, list[Dispatch]] = defaultdict(list)
    for dispatch in Dispatch.objects.unconfirmed_overdue(now).select_related(
        "review__assignee__deputy", "review__paper"
    ):
        overdue[dispatch.review_id].append(dispatch)
    count = 0
    for rows in overdue.values():
        review = rows[0].review
        if review.assignee is not None:
            people = [review.assignee.acting_person()]
        else:
            people = list(events.heads())
        for person in people:
            created = notify(
                kind=NotificationKind.OVERDUE,
                recipient=person,
                review=review,
                dedupe_key=f"review:{review.pk}:receipts:{rows[0].statement_version_id}",
                context={"task": UNCONFIRMED_TASK, "unconfirmed": len(rows)},
                link=reverse("workflows:review_detail", args=[review.pk]),
            )
            count += created is not None
    return count
