"""The document and dispatch steps of the flow.

`review.documents` and `review.dispatch` are written by other helpers; they are imported inside
the functions so this app works (and is tested) before they are merged. Until then the flow
waits in `await_documents`, which is what it would do while a worker renders.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

from django.apps import apps
from django.db import transaction
from viewflow.fsm import TransitionNotAllowed
from viewflow.workflow.exceptions import FlowLockFailed

from review.models import AuditEvent, Review, User

logger = logging.getLogger(__name__)


def _service(module: str) -> object | None:
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError:
        return None


def document_model() -> Any:
    """review.Document (documents helper), or None while that app is not merged."""
    name = "Document"  # a variable: the type checker cannot resolve the model before the merge
    try:
        return apps.get_model("review", name)
    except LookupError:
        return None


def documents_available() -> bool:
    return _service("review.documents.services") is not None


def dispatch_available() -> bool:
    return _service("review.dispatch.services") is not None


def _approver(review: Review) -> User | None:
    event = (
        AuditEvent.objects.filter(review=review, verb="statement.approved")
        .select_related("actor")
        .order_by("-id")
        .first()
    )
    return event.actor if event is not None else None


def queue(*, review: Review) -> None:
    """Function node: ask for the documents; the service queues the render task on commit."""
    services = _service("review.documents.services")
    if services is None:
        logger.warning(
            "review.documents is not installed; review %s waits for documents", review.pk
        )
        return
    try:
        # A savepoint: a failed request must not undo the approval it follows.
        with transaction.atomic():
            services.request_documents(review=review, by=_approver(review))  # type: ignore[attr-defined]
    except Exception as error:  # any failure is shown with a retry, not a 500
        logger.exception("Requesting documents for review %s failed", review.pk)
        AuditEvent.record(
            "documents.request_failed",
            actor_label="workflow",
            obj=review,
            review=review,
            details={"error": str(error)[:300]},
        )


def request_again(*, review: Review, by: User) -> None:
    """The "Dokumente anfordern" button while the flow waits and no document exists."""
    services = _service("review.documents.services")
    if services is not None:
        services.request_documents(review=review, by=by)  # type: ignore[attr-defined]


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
    services = _service("review.dispatch.services")
    if services is None:
        logger.warning("review.dispatch is not installed; review %s was not mailed", review.pk)
        return
    try:
        # A savepoint: e.g. no clerk for the consulted committees must not stop the flow in the
        # worker that completed the documents; the office can still send by hand.
        with transaction.atomic():
            services.dispatch_statement(review=review, by=_approver(review))  # type: ignore[attr-defined]
    except Exception as error:  # shown in the timeline; the flow goes on to the outcome
        logger.exception("Dispatching review %s failed", review.pk)
        AuditEvent.record(
            "dispatch.failed",
            actor_label="workflow",
            obj=review,
            review=review,
            details={"error": str(error)[:300]},
        )


def request_not_affected_note(*, review: Review, by: User) -> None:
    """The optional short note for "keine Betroffenheit" (documents helper's service)."""
    services = _service("review.documents.services")
    if services is None:
        logger.warning("review.documents is not installed; no note for review %s", review.pk)
        return
    try:
        with transaction.atomic():  # optional: a failure must not undo the triage
            services.request_not_affected_note(review=review, by=by)  # type: ignore[attr-defined]
    except Exception as error:
        logger.exception("Requesting the note for review %s failed", review.pk)
        AuditEvent.record(
            "documents.request_failed",
            actor_label="workflow",
            obj=review,
            review=review,
            details={"error": str(error)[:300]},
        )


def retry(*, document: Any, by: User) -> None:
    services = _service("review.documents.services")
    if services is None:
        return
    services.retry_document(document=document, by=by)  # type: ignore[attr-defined]
