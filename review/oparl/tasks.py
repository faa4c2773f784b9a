"""Celery tasks of the sync: thin, they take ids; the per-source lock keeps runs apart."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from review.models import File, Source

from . import attachments, learning, rescoring
from .sync import SyncLocked, run_sync

# Catch-up batch of the hourly job; a sync queues its own files right away.
PENDING_BATCH = 500


@shared_task(name="oparl.sync_all_sources")
def sync_all_sources() -> None:
    for source_id in Source.objects.filter(is_active=True).values_list("pk", flat=True):
        sync_source.delay(source_id)


@shared_task(name="oparl.sync_source", soft_time_limit=3000, time_limit=3600)
def sync_source(source_id: int, full: bool = False) -> str:
    source = Source.objects.filter(pk=source_id, is_active=True).first()
    if source is None:
        return "inactive"
    try:
        run = run_sync(source, full=full)
    except SyncLocked:
        return "locked"  # the running sync covers this slot
    return run.status


@shared_task(name="attachments.read_text", acks_late=True, soft_time_limit=600, time_limit=660)
def read_attachment_text(file_id: int) -> str:
    """Idempotent: a file already read (or found unreadable) is left as it is."""
    return attachments.read_text(file_id=file_id)


@shared_task(name="attachments.read_pending")
def read_pending_attachments() -> int:
    paper_ids = list(
        File.objects.text_pending()
        .filter(paper__isnull=False)
        .values_list("paper_id", flat=True)
        .distinct()[:PENDING_BATCH]
    )
    return attachments.queue_reading(paper_ids)


@shared_task(name="relevance.rescore", soft_time_limit=1800, time_limit=1900)
def rescore_relevance() -> int:
    return rescoring.rescore(now=timezone.now())


@shared_task(name="relevance.retrain", soft_time_limit=1800, time_limit=1900)
def retrain_relevance_model() -> str:
    model = learning.train(now=timezone.now())
    return str(model) if model else "cold start: too few decisions"
