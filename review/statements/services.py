"""Statement drafting, participation and approval (Schlusszeichnung) with the four-eyes rule.

Versions are immutable: every save adds one. The drafter is anyone who wrote a version; they
may never approve that statement, whichever path (view, URL, service) they take.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from review.models import (
    AuditEvent,
    AuditVerb,
    ChangeProposal,
    Contribution,
    Recommendation,
    Review,
    SendBack,
    Statement,
    StatementVersion,
    User,
)
from review.notifications import events

APPROVE_OWN_DRAFT = _(
    "You helped write this statement and may not give it the final approval yourself "
    "(four-eyes principle)."
)
NOT_EDITABLE = _("The statement cannot be edited at this step.")
NOT_AWAITING_APPROVAL = _("The statement is not (or no longer) awaiting final approval.")
NO_DRAFT = _("Please save a draft with a recommendation/vote first.")
SEND_BACK_REASON_REQUIRED = _("Please give a reason for sending it back.")
NOBODY_TO_ASK = _(
    "Please share the case with the Beirat or name at least one person for a contribution "
    "or a co-signature."
)
CONTRIBUTION_ANSWERED = _("This contribution has already been given.")
CONTRIBUTION_NOT_YOURS = _("This participation request is addressed to someone else.")
DUE_AFTER_DEADLINE = _("The participation's deadline may not be after the case's deadline.")
# Several printed pages per part; far longer text is a paste gone wrong, and every version of it
# is stored, diffed and rendered again.
PART_MAX_CHARS = 20_000
EDITED_ELSEWHERE = _(
    "Not saved: version %(number)s of this statement was saved in the meantime (in another "
    "window or by %(author)s). Please reload the page and enter your changes again."
)
PART_TOO_LONG = _("A part of the statement is longer than 20,000 characters. Please shorten it.")


class StatementError(Exception):
    pass


@dataclass(frozen=True)
class ProposalRow:
    location: str
    proposal: str
    reason: str = ""


def is_drafter(*, review: Review, user: User) -> bool:
    """True if the person wrote any version of the review's statement."""
    return StatementVersion.objects.filter(statement__review=review, author=user).exists()


def _locked(review: Review) -> Review:
    # With the paper (the audit event names the case by its Vorlage number), locking the
    # review's row only.
    return Review.objects.select_for_update(of=("self",)).select_related("paper").get(pk=review.pk)


@transaction.atomic
def save_statement_draft(
    *,
    review: Review,
    by: User,
    facts: str,
    assessment: str,
    recommendation: str,
    recommendation_text: str,
    proposals: list[ProposalRow],
    note: str = "",
    based_on: int | None = None,
) -> StatementVersion:
    """Add a version; an unchanged save returns the current version instead of a copy.

    `based_on` is the version number the editor was loaded with: when another window or person
    saved a newer one since, the save is refused instead of silently replacing their text."""
    parts = [facts, assessment, recommendation_text]
    parts += [text for row in proposals for text in (row.location, row.proposal, row.reason)]
    if any(len(text) > PART_MAX_CHARS for text in parts):
        raise StatementError(PART_TOO_LONG)
    review = _locked(review)
    if review.status not in (Review.Status.ASSIGNED, Review.Status.DRAFTING):
        raise StatementError(NOT_EDITABLE)
    if recommendation and recommendation not in Recommendation.values:
        raise StatementError(NOT_EDITABLE)
    statement, _created = Statement.objects.get_or_create(review=review)
    statement.review = review  # the locked row, for the new version's audit entry (str())
    current = statement.current_version
    rows = [row for row in proposals if row.location.strip() or row.proposal.strip()]
    if current is not None and _same(
        current, facts, assessment, recommendation, recommendation_text, rows
    ):
        return current
    if based_on is not None and current is not None and current.number != based_on:
        raise StatementError(
            EDITED_ELSEWHERE % {"number": current.number, "author": current.author}
        )
    # current_version is the highest number, read under the review's lock.
    number = current.number + 1 if current is not None else 1
    version = StatementVersion.objects.create(
        statement=statement,
        number=number,
        facts=facts,
        assessment=assessment,
        recommendation=recommendation,
        recommendation_text=recommendation_text,
        author=by,
        note=note[:300],
    )
    ChangeProposal.objects.bulk_create(
        ChangeProposal(
            version=version,
            position=i,
            location=row.location.strip()[:300],
            proposal=row.proposal.strip(),
            reason=row.reason.strip(),
        )
        for i, row in enumerate(rows, start=1)
    )
    if review.status == Review.Status.ASSIGNED:
        review.move_to(Review.Status.DRAFTING)
        review.save(update_fields=["status", "updated_at"])
    AuditEvent.record(
        AuditVerb.STATEMENT_SAVED, actor=by, obj=version, review=review, details={"version": number}
    )
    return version


def _same(
    version: StatementVersion,
    facts: str,
    assessment: str,
    recommendation: str,
    recommendation_text: str,
    rows: list[ProposalRow],
) -> bool:
    same_text = (
        version.facts == facts
        and version.assessment == assessment
        and version.recommendation == recommendation
        and version.recommendation_text == recommendation_text
    )
    if not same_text:
        return False  # the proposals need not be read
    existing = [
        ProposalRow(p.location, p.proposal, p.reason) for p in version.change_proposals.all()
    ]
    cleaned = [ProposalRow(r.location.strip(), r.proposal.strip(), r.reason.strip()) for r in rows]
    return existing == cleaned


def _require_draft(review: Review) -> StatementVersion:
    statement = getattr(review, "statement", None)
    version = statement.current_version if statement is not None else None
    if version is None or not version.recommendation:
        raise StatementError(NO_DRAFT)
    return version


@transaction.atomic
def submit_for_approval(*, review: Review, by: User) -> Review:
    review = _locked(review)
    if review.status not in (Review.Status.ASSIGNED, Review.Status.DRAFTING):
        raise StatementError(NOT_EDITABLE)
    version = _require_draft(review)
    review.move_to(Review.Status.APPROVAL)
    if review.submitted_at is None:
        review.submitted_at = timezone.now()
    review.save(update_fields=["status", "submitted_at", "updated_at"])
    event = AuditEvent.record(
        AuditVerb.STATEMENT_SUBMITTED,
        actor=by,
        obj=version,
        review=review,
        details={"version": version.number},
    )
    _request_approval(review, event)
    return review


def _request_approval(review: Review, event: AuditEvent) -> None:
    """Tell the Beauftragte on commit that a Schlusszeichnung waits (once per round)."""
    transaction.on_commit(
        lambda: events.approval_requested(review=review, round_key=f"event:{event.pk}")
    )


@transaction.atomic
def start_participation(
    *,
    review: Review,
    by: User,
    share_with_beirat: bool,
    contributors: list[tuple[User, str]],
    due_date: date | None,
) -> Review:
    """Share with the Beirat and/or ask named colleagues (kind "contribution"/"co_signature")."""
    review = _locked(review)
    if review.status not in (Review.Status.ASSIGNED, Review.Status.DRAFTING):
        raise StatementError(NOT_EDITABLE)
    version = _require_draft(review)
    new_beirat = share_with_beirat and not hasattr(review, "beirat_vote")
    if not new_beirat and not contributors:
        raise StatementError(NOBODY_TO_ASK)
    if due_date and review.deadline and due_date > review.deadline:
        raise StatementError(DUE_AFTER_DEADLINE)
    created = []
    for person, kind in contributors:
        contribution, made = Contribution.objects.get_or_create(
            review=review,
            contributor=person,
            kind=kind,
            defaults={"due_date": due_date or review.beirat_deadline or review.deadline},
        )
        if not made and contribution.status != Contribution.Status.REQUESTED:
            # Asked again after a send-back: a fresh request.
            contribution.status = Contribution.Status.REQUESTED
            contribution.due_date = due_date or contribution.due_date
            contribution.requested_at = timezone.now()
            contribution.answered_at = None
            contribution.save()
        created.append(contribution)
    review.move_to(Review.Status.PARTICIPATION)
    if review.participation_started_at is None:
        review.participation_started_at = timezone.now()
    if share_with_beirat:
        review.shared_with_beirat = True
        review.beirat_draft = version
        if due_date and not review.beirat_deadline:
            review.beirat_deadline = due_date
    review.save()
    AuditEvent.record(
        AuditVerb.PARTICIPATION_STARTED,
        actor=by,
        obj=version,
        review=review,
        details={
            "beirat": bool(share_with_beirat),
            "contributors": [c.contributor.get_username() for c in created],
            "due": due_date,
        },
    )
    if new_beirat:
        transaction.on_commit(lambda: events.beirat_vote_requested(review=review))
    return review


@transaction.atomic
def answer_contribution(
    *, contribution: Contribution, by: User, text: str, agree: bool = True
) -> Contribution:
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    if contribution.contributor_id != by.pk:
        raise StatementError(CONTRIBUTION_NOT_YOURS)
    if contribution.status != Contribution.Status.REQUESTED:
        raise StatementError(CONTRIBUTION_ANSWERED)
    contribution.status = Contribution.Status.GIVEN if agree else Contribution.Status.DECLINED
    contribution.text = text
    contribution.answered_at = timezone.now()
    contribution.save()
    AuditEvent.record(
        AuditVerb.CONTRIBUTION_GIVEN if agree else AuditVerb.CONTRIBUTION_DECLINED,
        actor=by,
        obj=contribution,
        review=contribution.review,
        details={"kind": contribution.kind},
    )
    return contribution


@transaction.atomic
def close_participation(*, review: Review) -> Review:
    """All answers in or the due date passed: open requests expire, on to approval."""
    review = _locked(review)
    if review.status != Review.Status.PARTICIPATION:
        return review
    expired = list(
        review.contributions.filter(status=Contribution.Status.REQUESTED).values_list(
            "contributor__username", flat=True
        )
    )
    review.contributions.filter(status=Contribution.Status.REQUESTED).update(
        status=Contribution.Status.EXPIRED
    )
    review.move_to(Review.Status.APPROVAL)
    review.save(update_fields=["status", "updated_at"])
    event = AuditEvent.record(
        AuditVerb.PARTICIPATION_CLOSED,
        actor_label="workflow",
        obj=review,
        review=review,
        details={"expired": expired, "beirat_vote": hasattr(review, "beirat_vote")},
    )
    _request_approval(review, event)
    return review


@transaction.atomic
def statement_approve(*, review: Review, by: User) -> StatementVersion:
    review = _locked(review)
    if is_drafter(review=review, user=by):
        raise StatementError(APPROVE_OWN_DRAFT)
    if review.status != Review.Status.APPROVAL:
        raise StatementError(NOT_AWAITING_APPROVAL)
    version = _require_draft(review)
    review.move_to(Review.Status.APPROVED)
    review.save(update_fields=["status", "updated_at"])
    # An update, not save(): the version's text is immutable, its approval is added once.
    StatementVersion.objects.filter(pk=version.pk).update(
        approved_by=by, approved_at=timezone.now()
    )
    version.refresh_from_db(fields=["approved_by", "approved_at"])
    AuditEvent.record(
        AuditVerb.STATEMENT_APPROVED,
        actor=by,
        obj=version,
        review=review,
        details={"version": version.number},
    )
    return version


@transaction.atomic
def statement_send_back(*, review: Review, by: User, reason: str) -> Review:
    reason = reason.strip()
    if not reason:
        raise StatementError(SEND_BACK_REASON_REQUIRED)
    review = _locked(review)
    if is_drafter(review=review, user=by):
        # Sending back is part of the Schlusszeichnung: the same four-eyes rule applies.
        raise StatementError(APPROVE_OWN_DRAFT)
    if review.status != Review.Status.APPROVAL:
        raise StatementError(NOT_AWAITING_APPROVAL)
    version = _require_draft(review)
    review.move_to(Review.Status.DRAFTING)
    review.save(update_fields=["status", "updated_at"])
    SendBack.objects.create(review=review, version=version, sent_back_by=by, reason=reason)
    event = AuditEvent.record(
        AuditVerb.STATEMENT_SENT_BACK,
        actor=by,
        obj=version,
        review=review,
        details={"version": version.number, "reason": reason},
    )
    drafter = review.assignee
    if drafter is not None:
        # The key names this send-back, so a second send-back of the same case notifies again.
        transaction.on_commit(
            lambda: events.task_assigned(
                review=review,
                assignee=drafter,
                task_name=gettext_noop("Überarbeitung der Stellungnahme"),
                task_key=f"review:{review.pk}:sent_back:{event.pk}",
            )
        )
    return review
