"""Shared fixtures: which mode the suite runs in, and a real Celery worker on Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def uses_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def uses_redis() -> bool:
    return bool(settings.REDIS_URL)


requires_postgres = pytest.mark.skipif(
    not uses_postgres(), reason="needs DATABASE_URL (PostgreSQL)"
)
requires_worker = pytest.mark.skipif(
    not (uses_postgres() and uses_redis()),
    reason="needs DATABASE_URL (PostgreSQL) and REDIS_URL for a real Celery worker",
)


@pytest.fixture(autouse=True)
def _no_libreoffice_by_default(settings: Any) -> None:
    """No test reaches a developer's running unoserver or starts one as a side effect: documents
    stay .docx-only (PDF "skipped"). The LibreOffice tests opt in with their `unoserver` fixture."""
    settings.UNOSERVER_PORT = 9
    settings.UNOSERVER_RESTART_COMMAND = ""


@pytest.fixture(autouse=True)
def _cache_of_its_own(settings: Any) -> None:
    """Each test starts with an empty cache: a key prefix of its own (the Redis in CI is shared
    with the broker, so it is not flushed). Cached sessions of an earlier test, whose rows were
    rolled back, cannot leak into the next one."""
    caches = {name: dict(config) for name, config in settings.CACHES.items()}
    caches["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    settings.CACHES = caches


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that commits (transactional_db, live_server, a real worker) restores the rows
    the migrations made (roles, topics, keyword profile, bundled templates) afterwards.

    Without this, a transactional test's flush removes the role groups for all later tests, and
    it recreates content types that a later serialized-rollback test then inserts a second time.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        fixtures = getattr(item, "fixturenames", [])
        commits = (marker is not None and marker.kwargs.get("transaction")) or any(
            name in fixtures for name in ("transactional_db", "live_server", "celery_worker")
        )
        if commits and "django_db_serialized_rollback" not in fixtures:
            fixtures.append("django_db_serialized_rollback")


def pytest_report_header(config: pytest.Config) -> list[str]:
    db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    broker = f"Celery worker on Redis ({settings.REDIS_URL})" if uses_redis() else "eager tasks"
    return [f"Stellwerk test mode: database={db}, tasks={broker}"]


def _database_url_for_worker() -> str:
    from django.db import connection

    params = connection.settings_dict
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or "5432"
    user = params.get("USER") or "postgres"
    return f"postgres://{user}@{host}:{port}/{params['NAME']}"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Tests create many users; the production hasher (PBKDF2, ~1 s each on a busy 2-core
    machine) would dominate the run time. Logins with passwords still work the same way."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def german_by_default() -> Iterator[None]:
    """Every test starts in the installation's language. A request in English leaves English
    active in the thread (LocaleMiddleware activates, nothing deactivates), which made a later
    test's German message English depending on the order of the tests."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    """Run Celery tasks in-process even when a broker is configured (REDIS_URL)."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = previous


@pytest.fixture
def celery_worker(transactional_db: None) -> Iterator[subprocess.Popen[str]]:
    """A real `celery worker` process on the test database and the Redis broker.

    Tests using it see committed data only, hence `transactional_db`.
    """
    from config.celery import app

    app.control.purge()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url_for_worker(),
        "REDIS_URL": settings.REDIS_URL,
        "DB_CONN_MAX_AGE": "0",
        # The worker reads and writes the same cache entries as the test.
        "CACHE_KEY_PREFIX": str(settings.CACHES["default"]["KEY_PREFIX"]),
        # And reaches LibreOffice only where the test does: by default nowhere, so it neither
        # talks to a developer's unoserver on 2003 nor starts one there to "repair" it.
        "UNOSERVER_PORT": str(settings.UNOSERVER_PORT),
        "UNOSERVER_RESTART_COMMAND": settings.UNOSERVER_RESTART_COMMAND,
    }
    log_path = ROOT / "test-artifacts" / "celery-worker.log"
    log_path.parent.mkdir(exist_ok=True)
    log = log_path.open("a")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "--loglevel=INFO",
            "-Q",
            "celery,documents,notifications",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"test-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if worker.poll() is not None:
                raise RuntimeError(f"Celery worker exited early, see {log_path}")
            replies = app.control.ping(timeout=0.5)
            if replies:
                break
        else:
            raise RuntimeError(f"Celery worker did not answer within 60 s, see {log_path}")
        yield worker
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        log.close()
