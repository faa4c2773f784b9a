"""Prometheus metrics: web requests, Celery tasks and OParl syncs, scraped at /metrics.

The official client (prometheus-client) in its multiprocess mode: every process (gunicorn's
workers, the Celery pool's children) writes its numbers to files in PROMETHEUS_MULTIPROC_DIR,
and /metrics, answered by whichever gunicorn worker, sums the files of all of them. Without
that variable (one process: `make run`, the tests) the numbers live in the process itself.
django-prometheus would bring the request part, but its 2.5 requires Django < 6.1.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from celery import signals
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

if TYPE_CHECKING:
    from review.models import SyncRun

# Label for requests that never reached a view (static files served by whitenoise, 404s).
UNRESOLVED = "<unresolved>"

REQUEST_DURATION = Histogram(
    "stellwerk_http_request_duration_seconds",
    "Time from the request to the response, per view (URL name), method and status code.",
    ["view", "method", "status"],
)
TASK_DURATION = Histogram(
    "stellwerk_celery_task_duration_seconds",
    "Run time of a Celery task, per task name (successful, failed or retried).",
    ["task"],
    # Documents take seconds to a minute (LibreOffice); a full OParl sync up to an hour.
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, float("inf")),
)
TASK_FAILURES = Counter(
    "stellwerk_celery_task_failures",
    "Celery tasks that ended with an exception, per task name.",
    ["task"],
)
TASK_RETRIES = Counter(
    "stellwerk_celery_task_retries",
    "Celery tasks that asked to be retried, per task name.",
    ["task"],
)
SYNC_DURATION = Histogram(
    "stellwerk_oparl_sync_duration_seconds",
    "Duration of an OParl sync run, per source and outcome (success, partial, failed).",
    ["source", "status"],
    buckets=(1, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, float("inf")),
)
SYNC_OBJECTS = Counter(
    "stellwerk_oparl_sync_objects",
    "Objects an OParl sync saw, per source and what happened to them.",
    ["source", "change"],
)


class RequestMetricsMiddleware:
    """Times each request; placed near the top so the time covers the other middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        # The URL name, not the path: paths carry ids and would make a series per record.
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match is not None and match.view_name else UNRESOLVED
        REQUEST_DURATION.labels(view, request.method or "", str(response.status_code)).observe(
            time.perf_counter() - started
        )
        return response


# Start times of the tasks running in this process, by task id.
_task_started: dict[str, float] = {}


@signals.task_prerun.connect
def _task_starts(task_id: str = "", **kwargs: Any) -> None:
    _task_started[task_id] = time.perf_counter()


@signals.task_postrun.connect
def _task_ends(task_id: str = "", task: Any = None, **kwargs: Any) -> None:
    started = _task_started.pop(task_id, None)
    if started is not None and task is not None:
        TASK_DURATION.labels(task.name).observe(time.perf_counter() - started)


@signals.task_failure.connect
def _task_fails(sender: Any = None, **kwargs: Any) -> None:
    TASK_FAILURES.labels(getattr(sender, "name", "unknown")).inc()


@signals.task_retry.connect
def _task_retries(sender: Any = None, **kwargs: Any) -> None:
    TASK_RETRIES.labels(getattr(sender, "name", "unknown")).inc()


def record_sync(run: SyncRun) -> None:
    """Called by the sync once its run log is saved."""
    source = run.source.name
    if run.finished_at is not None:
        seconds = (run.finished_at - run.started_at).total_seconds()
        SYNC_DURATION.labels(source, run.status).observe(max(seconds, 0.0))
    for change in ("created", "updated", "deleted", "unchanged", "failed"):
        SYNC_OBJECTS.labels(source, change).inc(getattr(run, change))


def exposition() -> bytes:
    """The text Prometheus scrapes: the sum over all processes in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


@never_cache
def metrics_endpoint(request: HttpRequest) -> HttpResponse:
    token = settings.METRICS_TOKEN
    # Off unless METRICS_TOKEN is set: no token, no endpoint.
    if not token:
        raise Http404
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not secrets.compare_digest(given.encode(), token.encode()):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
