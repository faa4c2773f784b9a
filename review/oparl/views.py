"""Administrators' page: the sync runs of every source with their errors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from review.models import Source, SyncRun


@login_required
@permission_required("review.view_syncrun", raise_exception=True)
def sync_runs(request: HttpRequest) -> HttpResponse:
    runs = SyncRun.objects.select_related("source").prefetch_related("errors")
    source_id = request.GET.get("quelle", "")
    if source_id.isdigit():
        runs = runs.filter(source_id=int(source_id))
    page = Paginator(runs, 25).get_page(request.GET.get("seite"))
    return render(
        request,
        "oparl/sync_runs.html",
        {"page": page, "sources": Source.objects.all(), "source_id": source_id},
    )
