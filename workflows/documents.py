"""The document and dispatch steps of the flow: thin calls into the documents and dispatch
services, so that a failure there is recorded on the case instead of undoing the approval."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from viewflow.fsm import TransitionNotAllowed
from viewflow.workflow.exceptions import FlowLockFailed

from review.dispatch import services as dispatch_services
from review.documents import services as document_services
from review.models import AuditEvent, AuditVerb, Review, User

logger = logging.getLogger(__name__)

NO_APPROVER = "Keine Schlusszeichnung im Verlauf gefunden."


def _approver(review: Review) -> User:
    """Who signed off: documents are made and mailed in their name."""
    version = review.approved_version()
    if version is None or version.approved_by is None:
        raise ValueError(NO_APPROVER)
    return version.approved_by


def _failure(review: Review, error: Exception) -> dict[str, Any]:
    """The audit fields of a failed step; the verb stays at the call site for the timeline."""
    return {
        "actor_label": "workflow",
        "obj": review,
        "review": review,
        "details": {"error": str(error)[:300]},
    }


def queue(*, review: Review) -> None:
    """Function node: ask for the documents; the service queues the render task on commit."""
    try:
        # A savepoint: a failed request must not undo the approval it follows.
        with transaction.atomic():
            document_services.request_documents(review=review, by=_approver(review))
    except Exception as error:  # any failure is shown with a retry, not a 500
        logger.exception("Requesting documents for review %s failed", review.pk)
        AuditEvent.record(AuditVerb.DOCUMENTS_REQUEST_FAILED, **_failure(review, error))


def request_again(*, review: Review, by: User) -> None:
    """The "Dokumente anfordern" button while the flow waits and no document exists."""
    document_services.request_documents(review=review, by=by)


def finished(review_id: int) -> bool:
    """Receiver of documents_ready: complete the waiting Handle (once)."""
    from .flows import ReviewFlow, waiting_task

    review = Review.objects.get(pk=review_id)
    task = waiting_task(review, ReviewFlow.await_documents)
    if task is None:
        return False
    try:
        with transaction.atomic():
            ReviewFlow.await_documents.run(task)
    except (TransitionNotAllowed, FlowLockFailed):
        return False
    return True


def dispatch(*, review: Review) -> None:
    """Function node: mail the finished documents to clerks (and the Beirat)."""
    try:
        # A savepoint: e.g. no clerk for the consulted committees must not stop the flow in the
        # worker that completed the documents; the office can still send by hand.
        with transaction.atomic():
            dispatch_services.dispatch_statement(review=review, by=_approver(review))
    except Exception as error:  # shown in the timeline; the flow goes on to the outcome
        logger.exception("Dispatching review %s failed", review.pk)
        dispatch_services.record_failure(review=review, error=str(error))


def request_not_affected_note(*, review: Review, by: User) -> None:
    """The optional short note for "keine Betroffenheit"."""
    try:
        with transaction.atomic():  # optional: a failure must not undo the triage
            document_services.request_not_affected_note(review=review, by=by)
    except Exception as error:
        logger.exception("Requesting the note for review %s failed", review.pk)
        AuditEvent.record(AuditVerb.DOCUMENTS_REQUEST_FAILED, **_failure(review, error))
