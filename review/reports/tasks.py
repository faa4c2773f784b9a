"""Celery task of the situation report; on the "documents" queue, next to the unoserver."""

from celery import shared_task

from . import generation


@shared_task(name="documents.generate_report", acks_late=True, reject_on_worker_lost=True)
def generate_report(report_document_id: int) -> str:
    return generation.produce_report(report_document_id=report_document_id)
