"""Celery tasks of the sync: thin, they take ids; the per-source lock keeps runs apart."""

from __future__ import annotations

from celery import shared_task

from review.models import Source

from .sync import SyncLocked, run_sync


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
