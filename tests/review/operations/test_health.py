"""The health endpoint: each part green while it runs, red (or a warning) when it is stopped."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from django.test import Client
from django.utils import timezone

from review.models import SyncRun
from review.operations import health
from tests import factories as f
from tests.conftest import requires_worker

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
START_UNOSERVER = ROOT / "scripts" / "start_unoserver.sh"


def _by_name(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {check["name"]: check for check in data["checks"]}


def _status(check: health.HealthCheck) -> str:
    [result] = health.run_checks([check])
    return health.status_of(result)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_monitoring_reads_every_check_as_json_from_the_machine_itself(settings: Any) -> None:
    settings.HEALTH_MIN_FREE_MB = 1
    response = Client(REMOTE_ADDR="127.0.0.1").get("/health/")
    checks = _by_name(response.json())
    assert checks["Database"]["status"] == "ok"
    assert checks["Cache"]["status"] == "ok"
    assert checks["DiskSpace"]["status"] == "ok"
    # Tests reach no LibreOffice (port 9): that part is red, so the whole answer is 503.
    assert checks["LibreOffice"]["status"] == "error"
    assert "not reachable" in checks["LibreOffice"]["message"]
    assert response.status_code == 503
    assert response.json()["status"] == "error"


def test_health_is_refused_to_other_addresses_without_the_token(settings: Any) -> None:
    assert Client(REMOTE_ADDR="203.0.113.9").get("/health/").status_code == 403
    settings.HEALTH_TOKEN = "s3cret-monitoring-token"
    remote = Client(REMOTE_ADDR="203.0.113.9")
    assert remote.get("/health/", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    answer = remote.get("/health/", HTTP_AUTHORIZATION="Bearer s3cret-monitoring-token")
    assert answer.status_code in (200, 503)
    assert "checks" in answer.json()


def test_openmetrics_gives_prometheus_one_gauge_per_check() -> None:
    response = Client(REMOTE_ADDR="127.0.0.1").get("/health/", {"format": "openmetrics"})
    text = response.content.decode()
    assert response.status_code == 200
    assert 'stellwerk_health{check="Database"} 1' in text
    assert 'stellwerk_health{check="LibreOffice"} 0' in text
    assert text.rstrip().endswith("# EOF")


def test_database_check_turns_red_when_the_database_is_unreachable() -> None:
    broken = {**connections.settings["default"]}
    if broken["ENGINE"].endswith("sqlite3"):
        broken["NAME"] = "/nonexistent-folder/stellwerk.sqlite3"
    else:
        broken["PORT"] = str(_free_port())
    connections.settings["unreachable"] = broken
    try:
        assert _status(health.Database(alias="unreachable")) == "error"
        assert _status(health.Database()) == "ok"
    finally:
        connections.settings.pop("unreachable")


def test_disk_check_turns_red_below_the_minimum(tmp_path: Any) -> None:
    assert _status(health.DiskSpace(path=str(tmp_path / "media"), minimum_mb=1)) == "ok"
    assert _status(health.DiskSpace(path=str(tmp_path), minimum_mb=10**12)) == "error"


def test_a_source_without_a_recent_successful_sync_is_a_warning_not_an_error() -> None:
    source = f.make_source(name="Ratsinfo Musterstadt")

    def sync_check() -> health.HealthCheck:
        return next(c for c in health.installation_checks() if isinstance(c, health.OParlSync))

    assert health.name_of(sync_check()) == "OParlSync (Ratsinfo Musterstadt)"
    assert _status(sync_check()) == "warning"
    now = timezone.now()
    SyncRun.objects.create(
        source=source,
        status=SyncRun.Status.SUCCESS,
        started_at=now - timedelta(hours=9),
        finished_at=now - timedelta(hours=8),
    )
    [result] = health.run_checks([sync_check()])
    assert health.status_of(result) == "warning"
    assert result.error is not None and "8 h ago" in result.error.message
    # A failed run since then does not count as a sync.
    SyncRun.objects.create(
        source=source, status=SyncRun.Status.FAILED, started_at=now, finished_at=now
    )
    assert _status(sync_check()) == "warning"
    SyncRun.objects.create(
        source=source,
        status=SyncRun.Status.SUCCESS,
        started_at=now - timedelta(minutes=5),
        finished_at=now - timedelta(minutes=4),
    )
    assert _status(sync_check()) == "ok"


def test_a_warning_alone_keeps_the_endpoint_at_200() -> None:
    disk = health.DiskSpace(path="/", minimum_mb=1)
    assert health.summary(health.run_checks([disk]))["status"] == "ok"
    silent = health.OParlSync(source="Ohne Lauf")
    assert health.summary(health.run_checks([silent, disk]))["status"] == "warning"


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")
def test_broker_check_turns_red_when_redis_stops() -> None:
    port = _free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        check = health.Broker(url=f"redis://127.0.0.1:{port}/0")
        deadline = time.monotonic() + 10
        while _status(check) != "ok" and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _status(check) == "ok"
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert _status(check) == "error"


@requires_worker
@pytest.mark.worker
def test_worker_check_is_green_with_a_worker_and_red_without(
    settings: Any, celery_worker: subprocess.Popen[str]
) -> None:
    from config.celery import app

    check = health.Workers(app=app, queues=("celery", "documents", "notifications"))
    assert _status(check) == "ok"
    assert _status(health.Workers(app=app, queues=("archive",))) == "error"
    celery_worker.terminate()
    celery_worker.wait(timeout=20)
    assert _status(check) == "error"


def test_the_status_page_shows_administrators_every_part() -> None:
    admin = f.logged_in_client(f.administrator())
    page = admin.get("/verwaltung/betrieb/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Database" in text and "DiskSpace" in text and "LibreOffice" in text
    assert "Systemstatus" in text


@pytest.mark.parametrize("persona", ["officer", "head", "clerk", "outsider"])
def test_the_status_page_is_for_administrators_only(persona: str) -> None:
    user = getattr(f, persona)()
    assert f.logged_in_client(user).get("/verwaltung/betrieb/").status_code == 403
    assert Client().get("/verwaltung/betrieb/").status_code == 302


def test_cache_check_turns_red_when_the_cache_server_is_gone(settings: Any) -> None:
    # As configured in production (django-redis, errors ignored so pages keep working): the
    # page would still answer, but monitoring must see the cache is gone.
    settings.CACHES = {
        **settings.CACHES,
        "gone": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_free_port()}/0",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5},
        },
    }
    assert _status(health.Cache(alias="gone")) == "error"
    assert _status(health.Cache()) == "ok"


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice")
def test_libreoffice_check_is_green_while_unoserver_runs_and_red_once_it_stops(
    settings: Any,
) -> None:
    port = _free_port()
    env = {**os.environ, "UNOSERVER_PORT": str(port), "UNOSERVER_UNO_PORT": str(_free_port())}
    started = subprocess.run(
        [str(START_UNOSERVER)], env=env, capture_output=True, text=True, timeout=180, check=False
    )
    assert started.returncode == 0, started.stdout + started.stderr
    settings.UNOSERVER_PORT = port
    try:
        assert _status(health.LibreOffice()) == "ok"
    finally:
        subprocess.run(
            [str(START_UNOSERVER), "--stop"], env=env, capture_output=True, timeout=60, check=False
        )
        shutil.rmtree(ROOT / "var" / f"unoserver-profile-{port}", ignore_errors=True)
        (ROOT / "var" / f"unoserver-{port}.log").unlink(missing_ok=True)
    [result] = health.run_checks([health.LibreOffice()])
    assert health.status_of(result) == "error"
    assert result.error is not None and "not reachable" in result.error.message
