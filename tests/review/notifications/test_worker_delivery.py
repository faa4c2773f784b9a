"""With a real Celery worker and a local SMTP server: how fast, and never twice."""

from __future__ import annotations

import time

import pytest
from django.db import transaction

from review.models import Notification, NotificationKind
from review.notifications import services
from review.notifications.tasks import send_notification_email
from tests import factories as f
from tests.conftest import ROOT, requires_worker
from tests.mail_sink import SmtpSink, subject

pytestmark = [
    pytest.mark.worker,
    requires_worker,
    pytest.mark.django_db(transaction=True),
]

LATENCY_LIMIT_SECONDS = 60


def test_an_event_reaches_the_mail_server_within_a_minute(mail_worker: SmtpSink) -> None:
    # No role needed (groups do not survive the flush of transactional tests).
    officer = f.make_user("worker-recipient")
    review = f.make_review(f.make_paper(reference="V4711/26"))
    started = time.monotonic()
    with transaction.atomic():
        services.notify(
            kind=NotificationKind.TASK_ASSIGNED,
            recipient=officer,
            review=review,
            dedupe_key=f"review:{review.pk}:assigned",
            context={"task": "Stellungnahme entwerfen"},
        )
    mail_worker.wait_for(1, timeout=LATENCY_LIMIT_SECONDS + 5)
    assert mail_worker.messages, "no mail reached the SMTP server"
    arrived, message = mail_worker.messages[0]
    latency = arrived - started
    report = ROOT / "test-artifacts" / "notification-latency.txt"
    report.parent.mkdir(exist_ok=True)
    report.write_text(f"event -> mail handed to SMTP server: {latency:.2f} s\n")
    assert latency <= LATENCY_LIMIT_SECONDS
    assert (
        subject(message) == "Stellwerk: Neue Aufgabe zur Vorlage V4711/26: Stellungnahme entwerfen"
    )
    assert message["To"] == officer.email
    # The worker records "sent" just after the server accepted the mail.
    assert _status_becomes(Notification.Status.SENT) == Notification.Status.SENT


def _status_becomes(expected: str, timeout: float = 10) -> str:
    deadline = time.monotonic() + timeout
    status = Notification.objects.get().status
    while status != expected and time.monotonic() < deadline:
        time.sleep(0.1)
        status = Notification.objects.get().status
    return status


def test_a_task_delivered_three_times_sends_one_mail(mail_worker: SmtpSink) -> None:
    # No role needed (groups do not survive the flush of transactional tests).
    officer = f.make_user("worker-recipient")
    notification = Notification.objects.create(
        kind=NotificationKind.OUTCOME_RECORDED,
        recipient=officer,
        dedupe_key="redelivery",
        title="Beschluss erfasst: Vorlage V1/26",
    )
    # As if the broker redelivered the message (worker lost, visibility timeout, retry).
    for _ in range(3):
        send_notification_email.delay(notification.pk)
    mail_worker.wait_for(1, timeout=30)
    time.sleep(3)  # give the duplicates time to run
    assert len(mail_worker.messages) == 1
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.attempts == 1
