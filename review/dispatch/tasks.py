"""Celery tasks of the dispatch: thin, they take ids and call the services."""

from __future__ import annotations

from celery import shared_task
from celery.app.task import Task

from . import services

MAX_RETRY_DELAY = 300


@shared_task(bind=True, name="dispatch.send", max_retries=6, default_retry_delay=30)
def send_dispatch(self: Task, dispatch_id: int) -> bool:
    try:
        return services.deliver_dispatch(dispatch_id=dispatch_id)
    except services.MAIL_ERRORS as exc:
        if self.request.retries >= (self.max_retries or 0):
            services.mark_failed(dispatch_id=dispatch_id, error=str(exc))
            return False
        # Capped below the broker's visibility timeout, which would otherwise hand the waiting
        # job to a second worker (harmless thanks to the claim, but noisy).
        countdown = min(30 * 2**self.request.retries, MAX_RETRY_DELAY)
        raise self.retry(exc=exc, countdown=countdown) from exc


@shared_task(name="dispatch.flag_unconfirmed")
def flag_unconfirmed() -> int:
    return services.flag_unconfirmed()


@shared_task(name="dispatch.housekeeping")
def housekeeping() -> int:
    return services.give_up_stuck()


@shared_task(name="dispatch.requeue_stale")
def requeue_stale() -> int:
    return services.requeue_stale()
