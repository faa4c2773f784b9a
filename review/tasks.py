"""Celery tasks of the review app: thin, they take ids and call into the domain."""

from celery import shared_task


@shared_task
def ping(value: str) -> str:
    """A round trip through the broker, used by the health page and the worker test."""
    return f"pong:{value}"


# The worker finds tasks in each app's `tasks` module; these live in a sub-package.
from review.accounts.tasks import check_directory_users  # noqa: E402, F401
from review.audit.tasks import verify_audit_chain  # noqa: E402, F401
from review.dispatch.tasks import flag_unconfirmed, send_dispatch  # noqa: E402, F401
from review.dispatch.tasks import housekeeping as dispatch_housekeeping  # noqa: E402, F401
from review.documents.tasks import generate_document  # noqa: E402, F401
from review.followups.tasks import remind_overdue  # noqa: E402, F401
from review.notifications.tasks import (  # noqa: E402, F401
    housekeeping,
    notify_due_soon,
    send_daily_digests,
    send_digest,
    send_invitation_email,
    send_notification_email,
    send_password_reset_email,
)
from review.oparl.tasks import sync_all_sources, sync_source  # noqa: E402, F401
from review.reports.tasks import generate_report  # noqa: E402, F401
from review.retention.tasks import apply_retention_rules  # noqa: E402, F401
