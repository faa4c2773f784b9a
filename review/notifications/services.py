"""Creating notifications and handing their e-mails to the mail server exactly once.

Every notification is one row, unique per (recipient, kind, dedupe key): the same event raised
twice, a retried task or a redelivered message finds the row and sends nothing new. The e-mail
task claims the row with a conditional UPDATE before sending, so two workers never both send it.
"""

from __future__ import annotations

import functools
import smtplib
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, trans_real

from review.models import (
    Delivery,
    Notification,
    NotificationKind,
    NotificationPreference,
    Review,
    User,
)

from . import emails

# Transient delivery problems: the task retries them.
MAIL_ERRORS = (smtplib.SMTPException, OSError)

_TITLES = {
    NotificationKind.TASK_ASSIGNED: gettext_noop("New task for paper %(reference)s: %(task)s"),
    NotificationKind.DUE_SOON: gettext_noop("Due on %(due)s: paper %(reference)s"),
    NotificationKind.OVERDUE: gettext_noop("Overdue: paper %(reference)s"),
    NotificationKind.STATEMENT_RELEASED: gettext_noop("Statement on paper %(reference)s released"),
    NotificationKind.BEIRAT_VOTE_REQUESTED: gettext_noop(
        "The Beirat's vote is requested: paper %(reference)s"
    ),
    NotificationKind.OUTCOME_RECORDED: gettext_noop("Decision recorded: paper %(reference)s"),
    NotificationKind.DECISION_IMPORTED: gettext_noop(
        "Committee decision arrived: paper %(reference)s – compare it with the recommendation"
    ),
}


def title(kind: str, review: Review | None, context: dict[str, Any]) -> str:
    """The title in the active language: the list shows it in the reader's language, while the
    row keeps it in the default language for the e-mail."""
    task = context.get("task")
    values = {
        "reference": (review.paper.reference or f"#{review.paper_id}") if review else "–",
        "task": _in_active_language(task) if task else _("a task"),
        "due": context.get("due", "–"),
    }
    if kind == NotificationKind.OVERDUE and context.get("escalated"):
        return _("Escalated to you as deputy: paper %(reference)s") % values
    return _(_TITLES[NotificationKind(kind)]) % values


def _title(kind: str, review: Review | None, context: dict[str, Any]) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return title(kind, review, context)


@functools.cache
def _msgids_of_default_language() -> dict[str, str]:
    """German text → its English msgid, from the default language's catalogue."""
    catalog = trans_real.translation(settings.LANGUAGE_CODE)._catalog  # type: ignore[attr-defined]
    # Plural entries have tuple keys, entries with a context "context\x04msgid": not task names.
    return {
        text: msgid
        for msgid, text in catalog.items()
        if isinstance(msgid, str) and "\x04" not in msgid and text
    }


def _in_active_language(stored: str) -> str:
    """A task name stored in the default language (a flow step's title, "Schlusszeichnung"),
    in the active one; a name the catalogues do not know stays as it is."""
    return _(_msgids_of_default_language().get(stored, stored))


def notify(
    *,
    kind: str,
    recipient: User,
    dedupe_key: str,
    review: Review | None = None,
    context: dict[str, Any] | None = None,
    link: str = "",
    send_email: bool = True,
) -> Notification | None:
    """Record a notification for one person and queue its e-mail after the commit.

    Returns None for inactive accounts. Raising the same event again returns the existing row.
    `send_email=False` records the in-app entry only (the person got the news by another mail).
    """
    if not recipient.is_active:
        return None
    context = context or {}
    delivery = NotificationPreference.objects.delivery_for(recipient.pk, kind)
    status = {
        Delivery.IMMEDIATELY: Notification.Status.PENDING,
        Delivery.DIGEST: Notification.Status.DIGEST_PENDING,
        Delivery.OFF: Notification.Status.NO_EMAIL,
    }[Delivery(delivery)]
    if not recipient.email or not send_email:
        status = Notification.Status.NO_EMAIL
    notification, created = Notification.objects.get_or_create(
        recipient=recipient,
        kind=kind,
        dedupe_key=dedupe_key[:200],
        defaults={
            "review": review,
            "title": _title(kind, review, context)[:300],
            "context": context,
            "link": link or _default_link(recipient, review),
            "status": status,
        },
    )
    if created and status == Notification.Status.PENDING:
        from .tasks import send_notification_email

        pk = notification.pk
        transaction.on_commit(lambda: send_notification_email.delay(pk))
    return notification


def _default_link(recipient: User, review: Review | None) -> str:
    """Where a notification about a case leads when its event names no page: the office to the
    case page, a Beirat member to the Beirat's view of a shared case; others to the list."""
    if review is None:
        return ""
    if recipient.has_perm("review.view_review"):
        return reverse("workflows:review_detail", args=[review.pk])
    if review.shared_with_beirat and recipient.has_perm("review.view_shared_review"):
        return reverse("external:beirat_review", args=[review.pk])
    return ""


def deliver_notification(*, notification_id: int) -> bool:
    """Send the e-mail of one notification if nobody has; True if this call sent it."""
    now = timezone.now()
    claimed = Notification.objects.filter(
        pk=notification_id, status=Notification.Status.PENDING
    ).update(status=Notification.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient", "review__paper").get(
        pk=notification_id
    )
    try:
        emails.notification_email(notification).send()
    except MAIL_ERRORS as exc:
        # Give the claim back so the retry can send it.
        Notification.objects.filter(pk=notification_id).update(
            status=Notification.Status.PENDING, last_error=str(exc)[:500]
        )
        raise
    Notification.objects.filter(pk=notification_id).update(
        status=Notification.Status.SENT, emailed_at=timezone.now(), last_error=""
    )
    return True


def mark_failed(*, notification_id: int, error: str) -> None:
    Notification.objects.filter(pk=notification_id, status=Notification.Status.PENDING).update(
        status=Notification.Status.FAILED, last_error=error[:500]
    )


def deliver_digest(*, user_id: int) -> int:
    """Send one e-mail with everything waiting for the digest; returns how many it bundled."""
    batch = uuid.uuid4().hex
    claimed = (
        Notification.objects.waiting_for_digest()
        .filter(recipient_id=user_id)
        .update(status=Notification.Status.SENDING, digest_batch=batch, claimed_at=timezone.now())
    )
    if not claimed:
        return 0
    items = list(
        Notification.objects.filter(digest_batch=batch)
        .select_related("review__paper")
        .order_by("created_at", "id")
    )
    recipient = User.objects.get(pk=user_id)
    try:
        emails.digest_email(recipient, items, batch).send()
    except MAIL_ERRORS as exc:
        Notification.objects.filter(digest_batch=batch).update(
            status=Notification.Status.DIGEST_PENDING, digest_batch="", last_error=str(exc)[:500]
        )
        raise
    Notification.objects.filter(digest_batch=batch).update(
        status=Notification.Status.IN_DIGEST, emailed_at=timezone.now()
    )
    return len(items)


def users_waiting_for_digest() -> list[int]:
    return list(
        Notification.objects.waiting_for_digest()
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by("recipient_id")
    )


def notify_due_soon(*, today: Any = None) -> int:
    """Remind assignees of reviews whose deadline is as many days away as they chose to be
    told ahead (or NOTIFY_DUE_SOON_DAYS), or fewer."""
    today = today or timezone.localdate()
    count = 0
    chosen = User.objects.filter(due_soon_days__isnull=False).values_list(
        "due_soon_days", flat=True
    )
    longest = max([int(settings.NOTIFY_DUE_SOON_DAYS), *(days or 0 for days in chosen)])
    reviews = (
        Review.objects.due_soon(days=longest, today=today)
        .filter(assignee__isnull=False)
        .select_related("assignee", "paper")
    )
    for review in reviews:
        assert review.assignee is not None and review.deadline is not None
        if review.deadline > today + timedelta(days=review.assignee.notice_days):
            continue
        created = notify(
            kind=NotificationKind.DUE_SOON,
            recipient=review.assignee,
            review=review,
            dedupe_key=f"review:{review.pk}:due:{review.deadline.isoformat()}",
            context={"due": review.deadline.strftime("%d.%m.%Y")},
        )
        count += created is not None
    return count


def give_up_stuck(*, older_than: timedelta = timedelta(hours=1)) -> int:
    """A worker died while sending: we cannot know whether the mail left, so the row is marked
    failed (visible in the list) rather than sent again."""
    cutoff = timezone.now() - older_than
    return Notification.objects.filter(
        status=Notification.Status.SENDING, claimed_at__lt=cutoff
    ).update(status=Notification.Status.FAILED, last_error="worker lost while sending")


def mark_all_read(*, user: User) -> int:
    return Notification.objects.for_user(user.pk).unread().update(read_at=timezone.now())


def save_preferences(
    *,
    user: User,
    choices: dict[str, str],
    wants_docx: bool | None = None,
    due_soon_days: int | None = None,
) -> None:
    with transaction.atomic():
        for kind, delivery in choices.items():
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, defaults={"delivery": delivery}
            )
        changed = []
        if wants_docx is not None and wants_docx != user.wants_docx:
            user.wants_docx = wants_docx
            changed.append("wants_docx")
        if due_soon_days is not None and due_soon_days != user.notice_days:
            user.due_soon_days = due_soon_days
            changed.append("due_soon_days")
        if changed:
            user.save(update_fields=changed)


def purge_read(*, older_than_days: int = 180) -> int:
    """Data minimisation: read notifications are deleted after half a year."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = Notification.objects.filter(read_at__lt=cutoff).delete()
    return deleted
