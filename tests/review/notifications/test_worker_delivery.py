"""With a real Celery worker and a local SMTP server: how fast, and never twice."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from email import message_from_bytes
from email.header import decode_header, make_header
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.db import transaction

from review.models import Notification, NotificationKind
from review.notifications import services
from review.notifications.tasks import send_notification_email
from tests import factories as f
from tests.conftest import ROOT, requires_worker

pytestmark = [
    pytest.mark.worker,
    requires_worker,
    pytest.mark.django_db(transaction=True),
]

LATENCY_LIMIT_SECONDS = 60


class SmtpSink:
    """Collects what the SMTP server accepted, with the time it arrived."""

    def __init__(self) -> None:
        self.port = 0
        self.messages: list[tuple[float, Message]] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            self.messages.append((time.monotonic(), message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(self.messages) < count:
            time.sleep(0.05)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.port = _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def mail_worker(
    smtp_sink: SmtpSink, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> SmtpSink:
    """The worker is a subprocess reading EMAIL_HOST/EMAIL_PORT: its mail goes to the sink."""
    monkeypatch.setenv("EMAIL_HOST", "127.0.0.1")
    monkeypatch.setenv("EMAIL_PORT", str(smtp_sink.port))
    request.getfixturevalue("celery_worker")
    return smtp_sink


def _subject(message: Message) -> str:
    return str(make_header(decode_header(message["Subject"])))


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
        _subject(message) == "Stellwerk: Neue Aufgabe zur Vorlage V4711/26: Stellungnahme entwerfen"
    )
    assert message["To"] == officer.email
    notification = Notification.objects.get()
    assert notification.status == Notification.Status.SENT


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
