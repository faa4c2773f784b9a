"""/health/ for monitoring (JSON, or OpenMetrics for Prometheus) and a status page for admins."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from . import health

# Values of the OpenMetrics gauge: monitoring alerts on < 1.
_GAUGE = {"ok": "1", "warning": "0.5", "error": "0"}


def _may_read_health(request: HttpRequest) -> bool:
    token = settings.HEALTH_TOKEN
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return secrets.compare_digest(given.encode(), token.encode())
    # Without a token only the machine itself (a local monitoring agent) and administrators.
    if request.META.get("REMOTE_ADDR") in settings.HEALTH_ALLOWED_ADDRESSES:
        return True
    return bool(request.user.is_authenticated and request.user.has_perm("review.view_syncrun"))


@never_cache
def health_endpoint(request: HttpRequest) -> HttpResponse:
    if not _may_read_health(request):
        return JsonResponse({"status": "forbidden"}, status=403)
    data = health.summary(health.run_checks(health.installation_checks()))
    if request.GET.get("format") == "openmetrics":
        lines = ["# TYPE stellwerk_health gauge"]
        for check in data["checks"]:
            name = check["name"].replace("\\", "\\\\").replace('"', '\\"')
            lines.append(f'stellwerk_health{{check="{name}"}} {_GAUGE[check["status"]]}')
        lines.append("# EOF")
        return HttpResponse(
            "\n".join(lines) + "\n",
            content_type="application/openmetrics-text; version=1.0.0; charset=utf-8",
        )
    # 503 only for errors: a warning (an old sync) must not take a load balancer's node out.
    return JsonResponse(data, status=503 if data["status"] == "error" else 200)


@never_cache
@login_required
@permission_required("review.view_syncrun", raise_exception=True)
def status_page(request: HttpRequest) -> HttpResponse:
    data = health.summary(health.run_checks(health.installation_checks()))
    return render(request, "operations/status.html", {"health": data})
