"""Nightly audit chain verification (CELERY_BEAT_SCHEDULE "audit-verify-chain")."""

from celery import shared_task

from . import verification


@shared_task(name="audit.verify_chain")
def verify_audit_chain() -> bool:
    return verification.run_check().ok
