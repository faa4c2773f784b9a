"""The parts of an installation that monitoring asks about, as django-health-check checks.

django-health-check brings the probe runner, timeouts, the database and cache checks and the
output formats monitoring systems read (JSON, text, OpenMetrics); the checks below add what
only Stellwerk knows: its broker and workers, LibreOffice, the document storage's free disk and
the age of each OParl source's last successful sync.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import shutil
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

import redis
from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone
from docx import Document
from health_check.base import HealthCheck, HealthCheckResult
from health_check.checks import Cache, Database
from health_check.contrib.celery import Ping
from health_check.exceptions import ServiceUnavailable, ServiceWarning

from config.celery import app as celery_app
from review.documents import pdf
from review.models import Source, SyncRun


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Redis that carries the Celery queues (REDIS_URL)."""

    url: str = dataclasses.field(repr=False, default="")

    def run(self) -> None:
        try:
            redis.Redis.from_url(self.url, socket_timeout=2, socket_connect_timeout=2).ping()
        except redis.RedisError as exc:
            raise ServiceUnavailable("Redis (Celery broker) not reachable") from exc


@dataclasses.dataclass
class Workers(Ping):
    """At least one Celery worker answers, and one consumes each queue the app routes to."""

    queues: tuple[str, ...] = dataclasses.field(default=(), repr=False)

    def check_active_queues(self, *active_workers: str) -> None:
        consumed = self.app.control.inspect(active_workers, timeout=2).active_queues() or {}
        names = {queue["name"] for queues in consumed.values() for queue in queues}
        missing = sorted(set(self.queues) - names)
        if missing:
            raise ServiceUnavailable(f"No worker consumes queue(s): {', '.join(missing)}")


@cache
def _tiny_docx() -> bytes:
    document = Document()
    document.add_paragraph("Stellwerk health check")
    out = BytesIO()
    document.save(out)
    return out.getvalue()


@dataclasses.dataclass
class LibreOffice(HealthCheck):
    """A real conversion of a one-line document through unoserver: a live XML-RPC front with a
    dead LibreOffice behind it still fails here."""

    timeout = datetime.timedelta(seconds=20)

    def run(self) -> None:
        try:
            pdf.convert_to_pdf(_tiny_docx(), timeout=15)
        except pdf.ConverterUnavailable as exc:
            raise ServiceUnavailable("LibreOffice (unoserver) not reachable") from exc
        except pdf.ConversionFailed as exc:
            raise ServiceUnavailable(f"LibreOffice conversion failed: {exc}") from exc


@dataclasses.dataclass
class DiskSpace(HealthCheck):
    """Free space where documents, templates and uploads are stored (MEDIA_ROOT)."""

    path: str = ""
    minimum_mb: int = dataclasses.field(default=1024, repr=False)

    def run(self) -> None:
        target = Path(self.path)
        # The folder is created with the first document; before that its parent counts.
        while not target.exists() and target != target.parent:
            target = target.parent
        free_mb = shutil.disk_usage(target).free // (1024 * 1024)
        if free_mb < self.minimum_mb:
            raise ServiceUnavailable(f"{free_mb} MB free, below {self.minimum_mb} MB")


@dataclasses.dataclass
class OParlSync(HealthCheck):
    """The last successful sync of one active source is not older than the threshold.

    Only a warning: the office keeps working with the data it has, but nobody should notice a
    silent source days later. The time is read beforehand (`installation_checks`), in the
    request's own database connection: the probes run in other threads."""

    source: str = ""
    last_success: datetime.datetime | None = dataclasses.field(default=None, repr=False)
    warning_hours: int = dataclasses.field(default=6, repr=False)

    def run(self) -> None:
        if self.last_success is None:
            raise ServiceWarning("no successful sync yet")
        age = timezone.now() - self.last_success
        if age > datetime.timedelta(hours=self.warning_hours):
            hours = int(age.total_seconds() // 3600)
            raise ServiceWarning(f"last successful sync {hours} h ago")


def installation_checks() -> list[HealthCheck]:
    """Every check for this installation's configuration, in the order the page lists them."""
    checks: list[HealthCheck] = [Database(), Cache()]
    if settings.REDIS_URL:
        routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
        queues = tuple(sorted({"celery", *routed}))
        checks += [Broker(url=settings.REDIS_URL), Workers(app=celery_app, queues=queues)]
    checks += [
        LibreOffice(),
        DiskSpace(path=str(settings.MEDIA_ROOT), minimum_mb=settings.HEALTH_MIN_FREE_MB),
    ]
    successful = Q(sync_runs__status=SyncRun.Status.SUCCESS)
    sources = Source.objects.filter(is_active=True).annotate(
        last_success=Max("sync_runs__finished_at", filter=successful)
    )
    checks += [
        OParlSync(
            source=source.name,
            last_success=source.last_success,
            warning_hours=settings.HEALTH_SYNC_WARNING_HOURS,
        )
        for source in sources.order_by("name")
    ]
    return checks


def run_checks(checks: list[HealthCheck]) -> list[HealthCheckResult]:
    async def gather() -> list[HealthCheckResult]:
        return list(await asyncio.gather(*(check.get_result() for check in checks)))

    return asyncio.run(gather())


def status_of(result: HealthCheckResult) -> str:
    if result.error is None:
        return "ok"
    return "warning" if isinstance(result.error, ServiceWarning) else "error"


def name_of(check: HealthCheck) -> str:
    label = type(check).__name__
    return f"{label} ({check.source})" if isinstance(check, OParlSync) else label


def summary(results: list[HealthCheckResult]) -> dict[str, Any]:
    """The JSON document monitoring reads: an overall status and one entry per check."""
    statuses = [status_of(result) for result in results]
    overall = "error" if "error" in statuses else "warning" if "warning" in statuses else "ok"
    return {
        "status": overall,
        "checks": [
            {
                "name": name_of(result.check),
                "status": status,
                "message": "" if result.error is None else result.error.message,
                "seconds": round(result.time_taken, 3),
            }
            for result, status in zip(results, statuses, strict=True)
        ],
    }
