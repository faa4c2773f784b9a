"""Celery tasks for notifications: thin, they take ids and call the services."""

from __future__ import annotations

from celery import shared_task
from celery.app.task import Task

from . import services


@shared_task(bind=True, name="notifications.send_email", max_retries=6, default_retry_delay=30)
def send_notification_email(self: Task, notification_id: int) -> bool:
    try:
        return services.deliver_notification(notification_id=notification_id)
    except services.MAIL_ERRORS as exc:
        if self.request.retries >= (self.max_retries or 0):
            services.mark_failed(notification_id=notification_id, error=str(exc))
            return False
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc


@shared_task(bind=True, name="notifications.send_digest", max_retries=6, default_retry_delay=60)
def send_digest(self: Task, user_id: int) -> int:
    try:
        return services.deliver_digest(user_id=user_id)
    except services.MAIL_ERRORS as exc:
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc


@shared_task(name="notifications.send_daily_digests")
def send_daily_digests() -> int:
    user_ids = services.users_waiting_for_digest()
    for user_id in user_ids:
        send_digest.delay(user_id)
    return len(user_ids)


@shared_task(name="notifications.notify_due_soon")
def notify_due_soon() -> int:
    return services.notify_due_soon()


@shared_task(bind=True, name="notifications.send_invitation", max_retries=6)
def send_invitation_email(self: Task, invitation_id: int) -> bool:
    from review.accounts.services import deliver_invitation

    try:
        return deliver_invitation(invitation_id=invitation_id)
    except services.MAIL_ERRORS as exc:
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc


@shared_task(name="notifications.housekeeping")
def housekeeping() -> tuple[int, int]:
    return services.give_up_stuck(), services.purge_read()


@shared_task(bind=True, name="accounts.send_password_reset", max_retries=6)
def send_password_reset_email(self: Task, user_id: int, domain: str, use_https: bool) -> bool:
    from review.accounts.password_reset import deliver_password_reset

    try:
        return deliver_password_reset(user_id=user_id, domain=domain, use_https=use_https)
    except services.MAIL_ERRORS as exc:
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc
