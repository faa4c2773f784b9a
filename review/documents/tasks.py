"""Celery tasks of the documents: queue "documents" (route "documents.*"), one worker per
unoserver."""

from celery import shared_task

from . import generation, housekeeping, preview, services


@shared_task(name="documents.generate", acks_late=True, reject_on_worker_lost=True)
def generate_document(document_id: int) -> str:
    """Idempotent: finished parts are kept, so a redelivered message only does what is missing."""
    return generation.produce_document(document_id=document_id)


@shared_task(name="documents.remove_orphan_files")
def remove_orphan_files() -> int:
    return housekeeping.remove_orphan_files()


@shared_task(name="documents.requeue_stale")
def requeue_stale() -> int:
    return services.requeue_stale()


# Default queue: no LibreOffice involved, so it does not wait behind the document jobs.
@shared_task(name="previews.warm")
def warm_statement_previews(review_id: int) -> int:
    return preview.warm_statement_previews(review_id=review_id)
