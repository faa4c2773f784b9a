"""The document and dispatch steps of the flow: thin calls into the documents and dispatch
services, so that a failure there is recorded on the case instead of undoing the approval."""

from __future__ import annotations

import logging
from typing import Any

from django.db import DatabaseError, transaction
from viewflow.fsm import TransitionNotAllowed
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from review.dispatch import services as dispatch_services
from review.documents import services as document_services
from review.models import AuditEvent, AuditVerb, Document, Review, User

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
    """The "Dokumente anfordern" button while the flow waits: requests what is missing, re-queues
    documents whose job was lost, and moves the case on when its documents are already there."""
    document_services.request_documents(review=review, by=by)
    if Document.objects.generation_is_finished(review.pk):
        finished(review.pk)


def complete_finished(limit: int = 500) -> int:
    """The sweep (beat, with the timers): every case still waiting for documents that are all
    finished moves on, whatever became of the news that they were (a killed worker, a lost
    signal). Returns how many moved."""
    from .flows import ReviewFlow

    waiting = (
        Task.objects.filter(flow_task=ReviewFlow.await_documents, status=STATUS.NEW)
        .values_list("process__reviewprocess__review_id", flat=True)
        .order_by("id")[:limit]
    )
    moved = 0
    for review_id in waiting:
        if Document.objects.generation_is_finished(review_id) and finished(review_id):
            logger.warning("Review %s waited for documents that were finished", review_id)
            moved += 1
    return moved


def finished(review_id: int) -> bool:
    """Receiver of documents_ready: complete the waiting Handle (once)."""
    from .flows import ReviewFlow, waiting_task

    review = Review.objects.get(pk=review_id)
    task = waiting_task(review, ReviewFlow.await_documents)
    if task is None:
        return False
    try:
        # No atomic block around it: viewflow's lock opens its own transaction and retries a
        # busy lock in it, which works only as the outermost transaction (nested, the failed
        # NOWAIT aborts the outer one). Two finishing documents, a redelivery and the sweep
        # may all arrive here at once; whoever loses leaves it to the one holding the lock.
        ReviewFlow.await_documents.run(task)
    except (TransitionNotAllowed, FlowLockFailed):
        return False
    except DatabaseError:
        logger.warning("Completing the documents step of review %s is left to the sweep", review_id)
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
