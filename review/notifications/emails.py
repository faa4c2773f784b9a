"""One entry function per e-mail; each renders templates/notifications/email/<name>.{txt,html}.

Subjects never carry personal data: only the kind of message and the paper's reference.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from review.models import Invitation, Notification, User


def absolute_url(path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + path


def _message(
    *,
    template: str,
    subject: str,
    to: str,
    context: dict[str, Any],
    message_id: str,
) -> EmailMultiAlternatives:
    context = {**context, "site_url": settings.SITE_URL}
    text = render_to_string(f"notifications/email/{template}.txt", context)
    html = render_to_string(f"notifications/email/{template}.html", context)
    # A fixed Message-ID per notification lets mail servers and clients drop a duplicate.
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "stellwerk.localhost"
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Message-ID": f"<{message_id}@{domain}>", "Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message


def notification_email(notification: Notification) -> EmailMultiAlternatives:
    with translation.override(settings.LANGUAGE_CODE):
        return _message(
            template=notification.kind,
            subject=_("Stellwerk: %(title)s") % {"title": notification.title},
            to=notification.recipient.email,
            context={
                "notification": notification,
                "recipient": notification.recipient,
                "review": notification.review,
                "paper": notification.review.paper if notification.review else None,
                "data": notification.context,
                "link": absolute_url(notification.link or "/benachrichtigungen/"),
            },
            message_id=f"stellwerk-notification-{notification.pk}",
        )


def digest_email(
    recipient: User, notifications: Sequence[Notification], batch: str
) -> EmailMultiAlternatives:
    with translation.override(settings.LANGUAGE_CODE):
        return _message(
            template="digest",
            subject=_("Stellwerk: your daily summary (%(count)d messages)")
            % {"count": len(notifications)},
            to=recipient.email,
            context={
                "recipient": recipient,
                "items": [
                    (n, absolute_url(n.link or "/benachrichtigungen/")) for n in notifications
                ],
                "list_link": absolute_url("/benachrichtigungen/"),
            },
            message_id=f"stellwerk-digest-{batch}",
        )


def invitation_email(invitation: Invitation, link: str) -> EmailMultiAlternatives:
    with translation.override(settings.LANGUAGE_CODE):
        return _message(
            template="invitation",
            subject=_("Stellwerk: your invitation"),
            to=invitation.user.email,
            context={
                "invitation": invitation,
                "recipient": invitation.user,
                "link": absolute_url(link),
                "valid_days": settings.INVITATION_MAX_AGE_DAYS,
            },
            message_id=f"stellwerk-invitation-{invitation.pk}-{invitation.nonce[:8]}",
        )
