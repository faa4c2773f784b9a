"""Log lines carry the request id (into the tasks too), JSON on demand, errors to Sentry, and no
person's name or address in the log of a whole workflow."""

from __future__ import annotations

import gzip
import json
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from review.operations.logs import RequestIdFilter, request_id
from tests.conftest import ROOT, requires_worker

pytestmark = pytest.mark.django_db


def test_every_response_carries_a_request_id_and_a_proxys_id_is_kept() -> None:
    fresh = Client().get("/anmelden/")
    assert len(fresh["X-Request-ID"]) == 32
    assert Client().get("/anmelden/")["X-Request-ID"] != fresh["X-Request-ID"]
    given = Client().get("/anmelden/", HTTP_X_REQUEST_ID="proxy-4711-abcdef")
    assert given["X-Request-ID"] == "proxy-4711-abcdef"
    hostile = Client().get("/anmelden/", HTTP_X_REQUEST_ID="x\nINFO fake line")
    assert hostile["X-Request-ID"] != "x\nINFO fake line"
    assert len(hostile["X-Request-ID"]) == 32


def test_log_lines_written_during_a_request_carry_its_id() -> None:
    seen: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(getattr(record, "request_id", ""))

    handler = Keep()
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = Client().get("/gibt-es-nicht/", HTTP_X_REQUEST_ID="req-0123456789")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 404
    assert seen == ["req-0123456789"]
    assert request_id.get() == "-"


def test_log_format_json_writes_one_json_object_per_line() -> None:
    env = {**os.environ, "LOG_FORMAT": "json", "DJANGO_SETTINGS_MODULE": "config.settings"}
    script = (
        "import django, logging; django.setup();"
        "logging.getLogger('review.test').warning('Vorgang %s gesperrt', 42)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True
    )
    line = json.loads(done.stderr.strip().splitlines()[-1])
    assert line["message"] == "Vorgang 42 gesperrt"
    assert line["level"] == "WARNING"
    assert line["logger"] == "review.test"
    assert line["request_id"] == "-"


class _SentryInbox(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        # The SDK compresses with brotli when that package is installed, else with gzip.
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        self.received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def sentry_inbox() -> Iterator[tuple[int, list[bytes]]]:
    _SentryInbox.received = []
    server = HTTPServer(("127.0.0.1", 0), _SentryInbox)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], _SentryInbox.received
    finally:
        server.shutdown()


def test_errors_go_to_a_sentry_compatible_endpoint_without_personal_data(
    sentry_inbox: tuple[int, list[bytes]],
) -> None:
    port, received = sentry_inbox
    # Its own process: the SDK patches Django globally, which no other test should see.
    env = {
        **os.environ,
        "SENTRY_DSN": f"http://public@127.0.0.1:{port}/1",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    script = (
        "import django, logging, sentry_sdk; django.setup();\n"
        "try:\n    raise RuntimeError('Umwandlung abgebrochen')\n"
        "except RuntimeError:\n"
        "    logging.getLogger('review.test').exception('Dokument 7 fehlgeschlagen')\n"
        "sentry_sdk.flush(5)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    deadline = time.monotonic() + 10
    while not received and time.monotonic() < deadline:
        time.sleep(0.1)
    payload = b"".join(received).decode(errors="replace")
    assert "Umwandlung abgebrochen" in payload
    assert "RuntimeError" in payload
    assert '"request_id"' in payload


@requires_worker
@pytest.mark.worker
def test_a_task_logs_the_id_of_the_request_that_queued_it(
    celery_worker: subprocess.Popen[str],
) -> None:
    from workflows.tasks import fire_timers

    token = request_id.set("carried-id-4711abcd")
    try:
        fire_timers.delay()
    finally:
        request_id.reset(token)
    log_path = Path(ROOT / "test-artifacts" / "celery-worker.log")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if "[carried-id-4711abcd]" in log_path.read_text(errors="replace"):
            break
        time.sleep(0.3)
    assert "[carried-id-4711abcd]" in log_path.read_text(errors="replace")
