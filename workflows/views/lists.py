"""Meine Aufgaben, the team queue and the process chart."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from review.models import User

from .. import queries
from ..chart import review_flow_svg
from ..flows import ReviewFlow
from .access import office_required


@office_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    dispatcher = user.has_perm("review.dispatch_statement")
    return render(
        request,
        "workflows/inbox.html",
        {
            "rows": queries.inbox(user),
            "contributions": queries.requested_contributions(user),
            "failed_documents": queries.failed_documents() if dispatcher else [],
            "without_documents": queries.reviews_without_documents() if dispatcher else [],
        },
    )


@office_required
@require_GET
def team_queue(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "workflows/team_queue.html",
        {"rows": queries.team_queue(request.user)},  # type: ignore[arg-type]
    )


@office_required
@require_GET
def chart_page(request: HttpRequest) -> HttpResponse:
    return render(request, "workflows/chart.html", {"flow": ReviewFlow.instance})


@office_required
@require_GET
def chart_svg(request: HttpRequest) -> HttpResponse:
    return HttpResponse(review_flow_svg(), content_type="image/svg+xml")
