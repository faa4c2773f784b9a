"""Runs as a whole: interruption, the per-source lock, the command, the task, the admin page."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from review.models import AgendaItem, Consultation, File, Meeting, Paper, Review, Source, SyncRun
from review.oparl.fixture_server import FixtureServer
from review.oparl.sync import SyncLocked, run_sync, source_lock
from review.oparl.tasks import sync_source
from tests.conftest import ROOT, _database_url_for_worker, requires_postgres
from tests.factories import administrator, make_source, officer

from . import oparl_objects as o

pytestmark = pytest.mark.django_db
Serve = Callable[..., FixtureServer]


def many_papers(root: Path) -> Path:
    papers = [
        o.paper(
            f"p{n:02d}",
            f"Integrationsprojekt {n}",
            [o.consultation(f"c{n}", "m1", ("ia",), "t1")],
            mainFile={"id": o.oid("files", f"f{n}"), "name": f"Vorlage {n}"},
        )
        for n in range(12)
    ]
    meetings = [o.meeting("m1", o.in_days(14), ["ia"], agendaItem=[o.agenda_item("t1", "m1")])]
    return o.write(
        root, organizations=[o.org("ia", "Integrationsausschuss")], meetings=meetings, papers=papers
    )


def state(source: Source) -> dict[str, set[Any]]:
    """Everything a sync stores, keyed by OParl id (not by database id)."""
    out: dict[str, set[Any]] = {}
    for model in (Paper, Meeting, AgendaItem, Consultation, File):
        out[model.__name__] = set(
            model.all_objects.filter(source=source).values_list(
                "oparl_id", "content_hash", "deleted", "is_placeholder"
            )
        )
    out["reviews"] = set(
        Review.objects.filter(paper__source=source).values_list(
            "paper__oparl_id", "relevance_score", "deadline"
        )
    )
    return out


def test_a_run_killed_halfway_and_run_again_ends_in_the_same_state(
    tmp_path: Path, serve: Serve
) -> None:
    root = many_papers(tmp_path)
    uninterrupted = make_source(system_url=serve(root, page_size=2).system_url)
    run_sync(uninterrupted)
    # The server stops answering after 6 requests: halfway through the paper list.
    interrupted = make_source(system_url=serve(root, page_size=2, die_after=6).system_url)

    broken = run_sync(interrupted)

    assert broken.status == SyncRun.Status.FAILED
    assert "nicht erreichbar" in broken.errors.get().message
    assert 0 < Paper.objects.filter(source=interrupted).count() < 12
    Source.objects.filter(pk=interrupted.pk).update(system_url=serve(root, page_size=2).system_url)
    interrupted.refresh_from_db()
    again = run_sync(interrupted)

    assert again.status == SyncRun.Status.SUCCESS
    assert state(interrupted) == state(uninterrupted)


def test_a_run_left_running_by_a_killed_process_is_marked_interrupted(
    tmp_path: Path, serve: Serve
) -> None:
    source = make_source(system_url=serve(many_papers(tmp_path)).system_url)
    stale = SyncRun.objects.create(source=source, started_at=timezone.now())
    run_sync(source)
    stale.refresh_from_db()
    assert stale.status == SyncRun.Status.FAILED
    assert "unterbrochen" in stale.message


def test_two_runs_of_the_same_source_never_overlap(tmp_path: Path, serve: Serve) -> None:
    source = make_source(system_url=serve(many_papers(tmp_path)).system_url)
    if connection.vendor != "postgresql":
        with source_lock(source), pytest.raises(SyncLocked):
            run_sync(source)
    else:
        # An advisory lock is per session: hold it from another connection (thread).
        held, release = threading.Event(), threading.Event()

        def hold() -> None:
            with source_lock(source):
                held.set()
                release.wait(10)
            connection.close()

        thread = threading.Thread(target=hold)
        thread.start()
        held.wait(10)
        try:
            with pytest.raises(SyncLocked):
                run_sync(source)
        finally:
            release.set()
            thread.join()
    assert not SyncRun.objects.filter(source=source).exists()
    assert run_sync(source).status == SyncRun.Status.SUCCESS  # the lock is free again


def test_the_task_skips_a_locked_source_quietly(tmp_path: Path, serve: Serve) -> None:
    source = make_source(system_url=serve(many_papers(tmp_path)).system_url)
    assert sync_source(source.pk) == "success"
    if connection.vendor != "postgresql":
        with source_lock(source):
            assert sync_source(source.pk) == "locked"


def test_beat_runs_the_sync_every_15_minutes_by_default() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["oparl-sync"]
    assert entry["task"] == "oparl.sync_all_sources"
    assert entry["schedule"] == 15 * 60


def test_the_command_syncs_a_source_by_name_and_reports_counts(
    tmp_path: Path, serve: Serve
) -> None:
    source = make_source(name="Teststadt", system_url=serve(many_papers(tmp_path)).system_url)
    out = StringIO()
    call_command("oparl_sync", "Teststadt", "--full", stdout=out)
    assert "Teststadt: erfolgreich (Vollabgleich" in out.getvalue()
    assert "neue Vorgänge 12" in out.getvalue()
    assert SyncRun.objects.get(source=source).is_full


def test_the_command_refuses_an_unknown_source() -> None:
    with pytest.raises(CommandError, match="Keine Quelle"):
        call_command("oparl_sync", "Nirgendwo", stdout=StringIO())


def test_the_command_fails_when_a_run_is_aborted(tmp_path: Path, serve: Serve) -> None:
    routes = [
        {"path": "/oparl/body/papers", "body": "<html>Fehler</html>", "content_type": "text/html"}
    ]
    make_source(name="Kaputt", system_url=serve(o.write(tmp_path, routes=routes)).system_url)
    out = StringIO()
    with pytest.raises(CommandError, match="abgebrochen"):
        call_command("oparl_sync", "Kaputt", stdout=out)
    assert "HTML-Seite statt JSON" in out.getvalue()


def test_the_sync_page_lists_runs_and_errors_for_administrators_only(
    client: Client, tmp_path: Path, serve: Serve
) -> None:
    routes = [
        {"path": "/oparl/body/papers", "body": "<html>Fehler</html>", "content_type": "text/html"}
    ]
    source = make_source(
        name="Kaputt", system_url=serve(o.write(tmp_path, routes=routes)).system_url
    )
    run_sync(source)
    url = "/verwaltung/synchronisation/"

    assert client.get(url).status_code == 302
    client.force_login(officer())
    assert client.get(url).status_code == 403
    client.force_login(administrator())
    page = client.get(url)

    assert page.status_code == 200
    text = page.content.decode()
    assert "Kaputt" in text and "abgebrochen" in text
    assert "HTML-Seite statt JSON" in text


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_sync_process_killed_with_sigkill_and_run_again_ends_in_the_same_state(
    tmp_path: Path, serve: Serve
) -> None:
    root = many_papers(tmp_path)
    uninterrupted = make_source(system_url=serve(root, page_size=2).system_url)
    run_sync(uninterrupted)
    killed = make_source(
        name="Gekillt", system_url=serve(root, page_size=1, latency_ms=150).system_url
    )
    env = {**os.environ, "DATABASE_URL": _database_url_for_worker(), "DB_CONN_MAX_AGE": "0"}
    env.pop("REDIS_URL", None)
    process = subprocess.Popen(
        [sys.executable, "manage.py", "oparl_sync", "Gekillt"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while Paper.objects.filter(source=killed).count() < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert 0 < Paper.objects.filter(source=killed).count() < 12

    again = run_sync(killed)  # the advisory lock died with the killed session

    assert again.status == SyncRun.Status.SUCCESS
    assert SyncRun.objects.get(source=killed, status=SyncRun.Status.FAILED).message
    assert state(killed) == state(uninterrupted)


@pytest.mark.parametrize("model", ["source", "syncrun", "keywordterm", "organization"])
def test_administrators_manage_sources_runs_keywords_and_watched_gremien_in_the_admin(
    client: Client, model: str
) -> None:
    run = SyncRun.objects.create(source=make_source(), started_at=timezone.now())
    client.force_login(administrator(is_staff=True, is_superuser=True))
    assert client.get(f"/admin/review/{model}/").status_code == 200
    assert client.get(f"/admin/review/syncrun/{run.pk}/change/").status_code == 200
