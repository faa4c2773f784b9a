"""A local SMTP server (aiosmtpd) and a real Celery worker whose mail goes to it."""

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


def subject(message: Message) -> str:
    return str(make_header(decode_header(message["Subject"])))


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
