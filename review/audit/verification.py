"""Verifying the audit hash chain in operation: the command, the nightly job, the alert."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from review.models import AuditCheck, AuditEvent, Role, User

logger = logging.getLogger(__name__)


def _describe(event: AuditEvent, what: str) -> str:
    when = timezone.localtime(event.created_at).strftime("%d.%m.%Y %H:%M")
    return f"Ereignis Nr. {event.pk} ({when}, {event.verb}): {what}"


def verify_chain() -> AuditCheck:
    """Checks every event's hash and link, and the last good run's checkpoint. Not saved."""
    events = AuditEvent.objects.count()
    last = AuditEvent.objects.order_by("-id").values_list("id", "hash").first()
    check = AuditCheck(
        ok=True,
        events=events,
        last_event_id=last[0] if last else None,
        last_hash=last[1] if last else "",
    )
    broken = AuditEvent.objects.first_broken()
    if broken is not None:
        check.ok = False
        check.broken_event_id = broken.pk
        if broken.compute_hash() != broken.hash:
            check.problem = _describe(broken, "Inhalt geändert")
        else:
            check.problem = _describe(broken, "Vorgänger fehlt oder wurde geändert")
        return check
    checkpoint = AuditCheck.objects.last_good()
    if checkpoint is not None and checkpoint.last_event_id is not None:
        kept = AuditEvent.objects.filter(pk=checkpoint.last_event_id).values_list("hash", flat=True)
        if list(kept) != [checkpoint.last_hash]:
            check.ok = False
            check.broken_event_id = checkpoint.last_event_id
            check.problem = (
                f"Ereignis Nr. {checkpoint.last_event_id}, bei der Prüfung am "
                f"{timezone.localtime(checkpoint.checked_at):%d.%m.%Y %H:%M} das letzte der "
                "Kette, fehlt oder wurde ersetzt"
            )
    return check


def administrators() -> list[str]:
    users = User.objects.filter(
        Q(is_superuser=True) | Q(groups__name=Role.ADMIN.value), is_active=True
    ).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def _alert(check: AuditCheck) -> int:
    recipients = administrators()
    if not recipients:
        logger.error("audit chain broken and no administrator has an e-mail address")
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(
            "audit/chain_broken_email.txt", {"check": check, "site_url": settings.SITE_URL}
        )
    # The subject says what happened, never who: it travels through every mail server.
    message = EmailMessage(
        subject="Stellwerk: Audit-Protokoll beschädigt",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
        headers={"Auto-Submitted": "auto-generated"},
    )
    return message.send()


def run_check(*, alert: bool = True) -> AuditCheck:
    """Verifies, records the run and, for a new finding, e-mails the administrators."""
    previous = AuditCheck.objects.order_by("-id").first()
    check = verify_chain()
    check.save()
    if check.ok:
        logger.info("audit chain intact: %s events", check.events)
        return check
    logger.error("audit chain broken: %s", check.problem)
    # A chain stays broken once broken: alert once per finding, not every night again.
    already_known = (
        previous is not None
        and not previous.ok
        and previous.broken_event_id == check.broken_event_id
    )
    if alert and not already_known:
        _alert(check)
    return check
