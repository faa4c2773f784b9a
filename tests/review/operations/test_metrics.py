"""/metrics for Prometheus: requests, Celery tasks and OParl syncs in the scraped text."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from config.celery import app
from review.models import SyncRun
from review.oparl.sync import run_sync
from review.operations import metrics
from tests import factories as f
from tests.review.oparl.conftest import serve  # noqa: F401  (the OParl fixture server)
from tests.review.oparl.test_sync import council

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
TOKEN = "s3cret-prometheus-token"


@app.task(name="tests.operations.metrics.adds")
def adds(a: int, b: int) -> int:
    return a + b


@app.task(name="tests.operations.metrics.fails")
def fails() -> None:
    raise RuntimeError("on purpose")


@pytest.fixture
def scrape(settings: Any) -> Any:
    settings.METRICS_TOKEN = TOKEN

    def read(name: str, **labels: str) -> float:
        """One sample of the scraped text (0 when the series does not exist yet)."""
        answer = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        assert answer.status_code == 200
        assert answer["Content-Type"].startswith("text/plain; version=")
        for family in text_string_to_metric_families(answer.content.decode()):
            for sample in family.samples:
                if sample.name == name and labels.items() <= sample.labels.items():
                    return float(sample.value)
        return 0.0

    return read


def test_metrics_are_off_without_a_token(settings: Any) -> None:
    settings.METRICS_TOKEN = ""
    assert Client().get("/metrics").status_code == 404


def test_metrics_are_refused_without_the_right_token(settings: Any) -> None:
    settings.METRICS_TOKEN = TOKEN
    for given in ("", "Bearer wrong", f"Bearer {TOKEN[:-1]}", TOKEN[:-1]):
        answer = Client().get("/metrics", headers={"Authorization": given} if given else {})
        assert answer.status_code == 403
        assert b"stellwerk_" not in answer.content


def test_a_request_is_counted_by_view_and_status(scrape: Any) -> None:
    ok = {"view": "login", "method": "GET", "status": "200"}
    missing = {"view": metrics.UNRESOLVED, "method": "GET", "status": "404"}
    before_ok = scrape("stellwerk_http_request_duration_seconds_count", **ok)
    before_missing = scrape("stellwerk_http_request_duration_seconds_count", **missing)

    assert Client().get("/anmelden/").status_code == 200
    assert Client().get("/gibt-es-nicht/").status_code == 404

    assert scrape("stellwerk_http_request_duration_seconds_count", **ok) == before_ok + 1
    assert scrape("stellwerk_http_request_duration_seconds_count", **missing) == before_missing + 1
    # The latency is measured, not only counted.
    assert scrape("stellwerk_http_request_duration_seconds_sum", **ok) > 0


def test_a_task_is_timed_and_a_failing_one_counted(scrape: Any) -> None:
    name, failing = "tests.operations.metrics.adds", "tests.operations.metrics.fails"
    before = scrape("stellwerk_celery_task_duration_seconds_count", task=name)
    failed_before = scrape("stellwerk_celery_task_failures_total", task=failing)

    # Run here as a worker runs them (apply: no broker needed), signals included.
    assert adds.apply(args=(2, 3)).get() == 5
    assert fails.apply().failed()

    assert scrape("stellwerk_celery_task_duration_seconds_count", task=name) == before + 1
    assert scrape("stellwerk_celery_task_failures_total", task=failing) == failed_before + 1
    assert scrape("stellwerk_celery_task_failures_total", task=name) == 0


def test_a_sync_run_is_timed_and_its_objects_counted(
    scrape: Any,
    tmp_path: Path,
    serve: Any,  # noqa: F811  (the imported fixture)
) -> None:
    server = serve(council(tmp_path))
    source = f.make_source(name="Ratsinformation Musterstadt", system_url=server.system_url)
    labels = {"source": source.name, "status": "success"}

    run = run_sync(source)

    assert run.status == SyncRun.Status.SUCCESS
    assert scrape("stellwerk_oparl_sync_duration_seconds_count", **labels) == 1
    seconds = (run.finished_at - run.started_at).total_seconds()  # type: ignore[operator]
    assert scrape("stellwerk_oparl_sync_duration_seconds_sum", **labels) == pytest.approx(seconds)
    # Two Gremien, two meetings, three papers and what they embed: all new on the first run.
    created = scrape("stellwerk_oparl_sync_objects_total", source=source.name, change="created")
    assert created == run.created > 0
    assert scrape("stellwerk_oparl_sync_objects_total", source=source.name, change="failed") == 0


def test_the_numbers_of_several_processes_are_summed(tmp_path: Path, monkeypatch: Any) -> None:
    # Two processes, like two gunicorn workers or Celery pool children, with one shared directory.
    count_once = (
        "from review.operations import metrics; metrics.TASK_FAILURES.labels('tests.shared').inc()"
    )
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for _ in range(2):
        subprocess.run([sys.executable, "-c", count_once], cwd=ROOT, env=env, check=True)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))

    text = metrics.exposition().decode()

    assert 'stellwerk_celery_task_failures_total{task="tests.shared"} 2.0' in text
