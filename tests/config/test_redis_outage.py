"""While Redis is down the office keeps working: login and every page answer, sessions come from
the database, a change that queues background work is saved (issue #16.3). When Redis is back,
queueing works again.

The tests stop a redis-server of their own on a free port, never the machine's Redis.
"""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis
from django.test import Client
from django.urls import reverse

from config.celery import NOT_QUEUED, app
from review.documents import generation, services
from review.documents.tasks import generate_document
from review.models import Document
from tests import factories as f
from workflows.flows import start_for_review

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server on PATH"),
]

PASSWORD = "Ausfall-Passwort-2026"


class OwnRedis:
    """A redis-server without persistence that the test may stop and start again."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if redis.Redis.from_url(self.url).ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server on port {self.port} did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def queued(self, queue: str) -> int:
        return int(redis.Redis.from_url(self.url).llen(queue))


def _use_broker(url: str, *, eager: bool) -> None:
    app.conf.update(broker_url=url, task_always_eager=eager)
    # The app keeps its connection and producer pools for the URL it first used (private
    # attributes, reset the way Celery itself does after a fork).
    app._pool = None  # type: ignore[attr-defined]
    app.amqp._producer_pool = None  # type: ignore[attr-defined]


@pytest.fixture
def own_redis(settings: Any) -> Iterator[OwnRedis]:
    """Cache, sessions and broker on a Redis of the test's own, configured as in production."""
    server = OwnRedis()
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": server.url,
            "KEY_PREFIX": "outage-test",
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    previous = app.conf.broker_url, app.conf.task_always_eager
    _use_broker(server.url, eager=False)
    try:
        yield server
    finally:
        server.stop()
        _use_broker(previous[0], eager=previous[1])


def _log_in(username: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def _word_only_document(capture: Callable[..., Any]) -> Document:
    """A finished .docx whose PDF was skipped (no LibreOffice in tests): it may be retried."""
    review = f.make_review_with_statement()
    with capture():
        [document] = services.request_documents(review=review, by=f.head())
    with capture(execute=True):
        generation.produce_document(document_id=document.pk)
    document.refresh_from_db()
    return document


def test_every_page_and_the_login_work_while_redis_is_down(
    own_redis: OwnRedis, caplog: pytest.LogCaptureFixture
) -> None:
    head = f.head(username="leitung")
    head.set_password(PASSWORD)
    head.save()
    review = f.make_review(deadline=f.in_days(10))
    start_for_review(review)
    signed_in_before = _log_in("leitung")
    own_redis.stop()

    with caplog.at_level(logging.ERROR, logger="django_redis"):
        assert Client().get(reverse("login")).status_code == 200
        client = _log_in("leitung")
        for session in (client, signed_in_before):
            for url in (
                reverse("home"),
                reverse("workflows:inbox"),
                reverse("workflows:team_queue"),
                reverse("workflows:review_list"),
                reverse("workflows:review_detail", args=[review.pk]),
            ):
                response = session.get(url)
                assert response.status_code == 200, url
        page = client.get(reverse("workflows:review_detail", args=[review.pk])).content.decode()
        assert review.paper.reference in page
    assert "Connection refused" in caplog.text  # the outage is logged, not hidden


def test_a_change_that_queues_work_is_saved_while_redis_is_down_and_queueing_resumes(
    own_redis: OwnRedis,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    document = _word_only_document(django_capture_on_commit_callbacks)
    officer = f.officer(username="sachbearbeitung")
    officer.set_password(PASSWORD)
    officer.save()
    client = _log_in("sachbearbeitung")
    own_redis.stop()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("documents:retry", args=[document.pk]))
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.pdf_status == Document.PdfStatus.PENDING
    assert NOT_QUEUED.split(" %s")[0] in caplog.text and "documents.generate" in caplog.text

    own_redis.start()
    generate_document.delay(document.pk)
    assert own_redis.queued("documents") == 1
