"""Actions on a Review across models: manual intake, triage, assignment, outcome.

Every action is atomic, checks its precondition on a locked row, writes an AuditEvent and
raises ReviewActionError with one of the module-constant messages below.
"""

from __future__ import annotations

from datetime import date

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from review import signals
from review.models import AuditEvent, AuditVerb, File, Paper, Recommendation, Review, Role, User
from review.notifications import events
from review.oparl import reasons
from review.oparl.relevance import RelevanceProfile

WRONG_STATUS = _("The case is not (or no longer) at the step this action is meant for.")
REASON_REQUIRED = _("Please give a short reason.")
ASSIGNEE_NOT_OFFICER = _("A case can only be assigned to people with the role Officer.")
OUTCOME_REQUIRED = _("Please enter the committee's decision.")
NOT_A_PDF = _("Please upload the draft as a PDF file.")
NOT_REALLY_A_PDF = _("The file is named .pdf but is not a PDF. Please upload the draft as a PDF.")
HIDDEN_DIRECTION_CHARACTERS = _(
    "The name contains invisible text-direction characters that can disguise the file type. "
    "Please rename the file."
)
# Bidirectional overrides, embeddings, isolates and marks: they make a name read differently
# from what it is (a name ending in U+202E "fdp.exe" shows as "exe.pdf").
DIRECTION_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# The PDF header may come after some leading bytes; readers look within the first kilobyte.
PDF_HEADER_WINDOW = 1024
ALREADY_A_CASE = _("This paper already has a case.")
PULLED_IN = reasons.PULLED_IN()


class ReviewActionError(Exception):
    pass


def _locked(review: Review) -> Review:
    return Review.objects.select_for_update().select_related("paper").get(pk=review.pk)


def _require(review: Review, *statuses: str) -> None:
    if review.status not in statuses:
        raise ReviewActionError(WRONG_STATUS)


def has_direction_controls(text: str) -> bool:
    return not DIRECTION_CONTROLS.isdisjoint(text)


def is_pdf(upload: UploadedFile) -> bool:
    """By its content, not its name: a PDF starts with "%PDF-" within the first kilobyte."""
    upload.seek(0)
    head = upload.read(PDF_HEADER_WINDOW)
    upload.seek(0)
    return b"%PDF-" in head


@transaction.atomic
def open_manual_review(
    *,
    name: str,
    reference: str,
    paper_type: str,
    paper_date: date | None,
    draft_pdf: UploadedFile,
    deadline: date | None,
    by: User,
) -> Review:
    """A non-public draft entered by hand: Paper (is_public False) + File with the PDF + Review."""
    if not (draft_pdf.name or "").lower().endswith(".pdf"):
        raise ReviewActionError(NOT_A_PDF)
    if has_direction_controls(draft_pdf.name or ""):
        raise ReviewActionError(HIDDEN_DIRECTION_CHARACTERS)
    if not is_pdf(draft_pdf):
        raise ReviewActionError(NOT_REALLY_A_PDF)
    paper = Paper.objects.create(
        name=name,
        reference=reference,
        paper_type=paper_type,
        date=paper_date,
        is_public=False,
    )
    File.objects.create(
        paper=paper,
        is_main_file=True,
        name=f"Entwurf {reference}".strip(),
        file_name=draft_pdf.name or "entwurf.pdf",
        mime_type="application/pdf",
        size=draft_pdf.size,
        date=paper_date,
        content=draft_pdf,
    )
    review = Review.objects.create(paper=paper, deadline=deadline)
    AuditEvent.record(
        AuditVerb.REVIEW_OPENED, actor=by, obj=review, review=review, details={"manual": True}
    )
    transaction.on_commit(
        lambda: signals.review_opened.send(sender=Review, review_id=review.pk, opened_by_id=by.pk)
    )
    return review


@transaction.atomic
def pull_in_paper(*, paper: Paper, by: User) -> Review:
    """Open a case for a paper the proposal left just below its threshold. The officer's click
    is a decision like a triage, so it is recorded as a label for the learning model too."""
    if Review.objects.filter(paper=paper).exists():
        raise ReviewActionError(ALREADY_A_CASE)
    fields = {"name": paper.name, "paper_type": paper.paper_type, "date": paper.date}
    assessment = RelevanceProfile(timezone.now()).assess_many({paper.pk: fields})[paper.pk]
    review = Review.objects.create(
        paper=paper,
        relevance_score=assessment.score,
        relevance_reasons=[*assessment.reasons, PULLED_IN],
        deadline=assessment.deadline,
        beirat_deadline=assessment.beirat_deadline,
    )
    review.topics.set(sorted(assessment.topic_ids))
    AuditEvent.record(
        AuditVerb.REVIEW_OPENED,
        actor=by,
        obj=review,
        review=review,
        details={"pulled_in": True, "score": assessment.score},
    )
    transaction.on_commit(
        lambda: signals.review_opened.send(sender=Review, review_id=review.pk, opened_by_id=by.pk)
    )
    return review


@transaction.atomic
def triage_relevant(*, review: Review, by: User, note: str = "") -> Review:
    review = _locked(review)
    _require(review, Review.Status.NEW)
    review.move_to(Review.Status.AWAITING_ASSIGNMENT)
    review.triaged_at = timezone.now()
    review.triaged_by = by
    review.save(update_fields=["status", "triaged_at", "triaged_by", "updated_at"])
    AuditEvent.record(
        AuditVerb.REVIEW_TRIAGED,
        actor=by,
        obj=review,
        review=review,
        details={"relevant": True, "note": note},
    )
    return review


@transaction.atomic
def triage_not_affected(*, review: Review, by: User, reason: str) -> Review:
    """Close as "keine Betroffenheit" with a one-line reason (still searchable)."""
    reason = " ".join(reason.split())
    if not reason:
        raise ReviewActionError(REASON_REQUIRED)
    review = _locked(review)
    _require(review, Review.Status.NEW)
    review.move_to(Review.Status.NOT_AFFECTED)
    review.close_reason = reason[:500]
    review.closed_at = review.triaged_at = timezone.now()
    review.closed_by = review.triaged_by = by
    review.save(
        update_fields=[
            "status",
            "close_reason",
            "closed_at",
            "closed_by",
            "triaged_at",
            "triaged_by",
            "updated_at",
        ]
    )
    AuditEvent.record(
        AuditVerb.REVIEW_TRIAGED,
        actor=by,
        obj=review,
        review=review,
        details={"relevant": False, "reason": review.close_reason},
    )
    return review


@transaction.atomic
def assign_review(*, review: Review, assignee: User, by: User, link: str = "") -> Review:
    """Assign (or reassign) the drafter; allowed until the statement is approved."""
    if not assignee.is_active or (
        not assignee.has_role(Role.OFFICER) and not assignee.has_role(Role.HEAD)
    ):
        raise ReviewActionError(ASSIGNEE_NOT_OFFICER)
    review = _locked(review)
    _require(
        review,
        Review.Status.AWAITING_ASSIGNMENT,
        Review.Status.ASSIGNED,
        Review.Status.DRAFTING,
        Review.Status.PARTICIPATION,
        Review.Status.APPROVAL,
    )
    previous = review.assignee
    review.assignee = assignee
    if previous is None and review.assigned_at is None:
        review.assigned_at = timezone.now()
    if review.status == Review.Status.AWAITING_ASSIGNMENT:
        review.move_to(Review.Status.ASSIGNED)
    review.save(update_fields=["assignee", "assigned_at", "status", "updated_at"])
    AuditEvent.record(
        AuditVerb.REVIEW_REASSIGNED if previous is not None else AuditVerb.REVIEW_ASSIGNED,
        actor=by,
        obj=review,
        review=review,
        details={
            "assignee": assignee.get_username(),
            "previous": previous.get_username() if previous else None,
        },
    )
    transaction.on_commit(
        lambda: events.task_assigned(
            review=review,
            assignee=assignee,
            task_name="Entwurf der Stellungnahme",
            task_key=f"review:{review.pk}:draft:{assignee.pk}",
            link=link,
        )
    )
    return review


@transaction.atomic
def record_outcome(
    *, review: Review, decision_result: str, decision_text: str, outcome: str, by: User
) -> Review:
    """The committee's decision compared with our recommendation; closes the case."""
    decision_result = decision_result.strip()
    if not decision_result or outcome not in Review.Outcome.values or not outcome:
        raise ReviewActionError(OUTCOME_REQUIRED)
    review = _locked(review)
    _require(review, Review.Status.DISPATCHED, Review.Status.APPROVED)
    review.decision_result = decision_result[:500]
    review.decision_text = decision_text
    review.decided_at = review.decided_at or timezone.now()
    review.outcome = outcome
    review.move_to(Review.Status.CLOSED)
    review.closed_at = timezone.now()
    review.closed_by = by
    review.save()
    AuditEvent.record(
        AuditVerb.REVIEW_OUTCOME_RECORDED,
        actor=by,
        obj=review,
        review=review,
        details={"outcome": outcome, "decision": review.decision_result},
    )
    transaction.on_commit(lambda: events.outcome_recorded(review=review, by=by))
    return review


def suggested_outcome(review: Review, decision: tuple[str, str] | None = None) -> str:
    """Prefill: compare an imported decision (result, text; the case's by default) with our
    recommendation (the person confirms)."""
    result, text = decision or (review.decision_result, review.decision_text)
    text = f"{result} {text}".lower()
    if not text.strip():
        return ""
    statement = getattr(review, "statement", None)
    version = statement.current_version if statement is not None else None
    recommendation = version.recommendation if version is not None else ""
    rejected = "abgelehnt" in text or "ablehnung" in text
    changed = "geändert" in text or "änderung" in text or "modifiziert" in text
    approved = not rejected and (
        "beschlossen" in text or "zugestimmt" in text or "angenommen" in text
    )
    if recommendation == Recommendation.REJECT:
        return Review.Outcome.FOLLOWED if rejected else Review.Outcome.NOT_FOLLOWED
    if recommendation == Recommendation.APPROVE_WITH_CHANGES:
        if approved and changed:
            return Review.Outcome.FOLLOWED
        return Review.Outcome.PARTLY if approved else Review.Outcome.NOT_FOLLOWED
    if recommendation == Recommendation.APPROVE:
        return Review.Outcome.FOLLOWED if approved else Review.Outcome.NOT_FOLLOWED
    return ""
