"""Nightly deletion run (CELERY_BEAT_SCHEDULE "retention-apply-rules")."""

from celery import shared_task

from . import rules


@shared_task(name="retention.apply_rules")
def apply_retention_rules() -> int:
    return sum(record.count for record in rules.apply_rules())
