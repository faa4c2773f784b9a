"""The administrator's page of the deletion concept: what is due when, and what was deleted."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from review.archive.services import default_cutoff
from review.models import DeletionRecord, Review

from . import rules

PREVIEW_DAYS = 30
RECORDS_PER_PAGE = 50


@login_required
@permission_required("review.view_deletionrecord", raise_exception=True)
def retention_report(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    upcoming = rules.upcoming(now, within_days=PREVIEW_DAYS)
    records = Paginator(DeletionRecord.objects.all(), RECORDS_PER_PAGE)
    return render(
        request,
        "retention/report.html",
        {
            "upcoming": upcoming,
            "nothing_due": not any(due or soon for _rule, due, soon in upcoming),
            "preview_days": PREVIEW_DAYS,
            "next_run": rules.next_run(now),
            "page": records.get_page(request.GET.get("seite")),
            "labels": rules.LABELS,
            # Closed cases wait for the archive first; the page says how many and where to go.
            "awaiting_handover": Review.objects.due_for_archive(default_cutoff()).count(),
        },
    )
