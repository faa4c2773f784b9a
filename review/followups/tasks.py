"""Celery task of the follow-ups: the daily reminder run (beat)."""

from celery import shared_task

from . import services


@shared_task(name="followups.remind_overdue")
def remind_overdue() -> int:
    return services.remind_overdue()
