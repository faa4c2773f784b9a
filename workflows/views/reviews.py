"""The office's view of all cases: a filtered, sortable list and the case page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task

from review.dispatch.queries import dispatches_for_review
from review.documents.services import documents_for_review
from review.models import Consultation, Contribution, Review, StatementVersion
from review.views.listing import page_query, sort_columns

from ..filters import ReviewFilterForm
from ..queries import link_for, open_tasks_for_review
from ..timeline import review_timeline

PAGE_SIZE = 25
SORTS = {
    "deadline": ("deadline", "id"),
    "relevance": ("relevance_score", "id"),
    "reference": ("paper__reference", "id"),
    "title": ("paper__name", "id"),
    "status": ("status", "deadline", "id"),
    "assignee": ("assignee__last_name", "assignee__first_name", "id"),
}
DEFAULT_SORT = "deadline"


def _check_office(request: HttpRequest) -> None:
    if not request.user.has_perm("review.view_review"):
        raise PermissionDenied


def _ordering(sort: str) -> tuple[str, list[Any]]:
    key = sort.removeprefix("-")
    if key not in SORTS:
        sort, key = DEFAULT_SORT, DEFAULT_SORT
    descending = sort.startswith("-")
    fields: list[Any] = [f"-{name}" if descending else name for name in SORTS[key]]
    if key == "deadline":
        # Cases without a deadline come last in either direction.
        deadline = F("deadline")
        fields[0] = deadline.desc(nulls_last=True) if descending else deadline.asc(nulls_last=True)
    return sort, fields


def _open_tasks(review: Review) -> list[tuple[Task, str]]:
    # link_for: the task page for human steps, the page that completes a waiting step otherwise.
    return [(task, link_for(task)) for task in open_tasks_for_review(review)]


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    _check_office(request)
    today = timezone.localdate()
    form = ReviewFilterForm(request.GET or None)
    reviews = form.filter(Review.objects.all(), today)
    sort, ordering = _ordering(request.GET.get("sort", DEFAULT_SORT))
    page = Paginator(
        reviews.select_related("paper", "assignee").prefetch_related("topics").order_by(*ordering),
        PAGE_SIZE,
    ).get_page(request.GET.get("seite"))
    # htmx asks for the results only when a filter changes; the form stays as it is.
    template = "workflows/reviews/list.html"
    if request.headers.get("HX-Request"):
        template += "#results"
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "today": today,
            "sort": sort,
            "filter_params": page_query(request.GET),
            "filtered": any(request.GET.get(name) for name in form.fields),
            "columns": sort_columns(
                request.GET,
                sort,
                [
                    ("reference", _("Vorlage")),
                    ("status", _("Status")),
                    ("assignee", _("Bearbeitung")),
                    ("deadline", _("Frist")),
                    ("relevance", _("Relevanz")),
                ],
            ),
        },
    )


def _get_review_for_user(request: HttpRequest, pk: int) -> Review:
    _check_office(request)
    return get_object_or_404(
        Review.objects.select_related(
            "paper", "assignee", "closed_by", "beirat_vote__recorded_by"
        ).prefetch_related(
            "topics",
            "paper__under_direction_of",
            "paper__files",
            Prefetch(
                "paper__consultations",
                queryset=Consultation.objects.select_related("meeting", "agenda_item")
                .prefetch_related("organizations")
                .order_by("order", "id"),
            ),
            Prefetch(
                "contributions",
                queryset=Contribution.objects.select_related("contributor"),
            ),
        ),
        pk=pk,
    )


def _statement_versions(review: Review) -> list[StatementVersion]:
    return list(
        StatementVersion.objects.filter(statement__review=review)
        .select_related("author")
        .prefetch_related("change_proposals")
        .order_by("-number")
    )


@login_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = _get_review_for_user(request, pk)
    versions = _statement_versions(review)
    return render(
        request,
        "workflows/reviews/detail.html",
        {
            "review": review,
            "paper": review.paper,
            "today": timezone.localdate(),
            "reasons": _reasons(review.relevance_reasons),
            "current_version": versions[0] if versions else None,
            "versions": versions,
            "beirat_vote": getattr(review, "beirat_vote", None),
            "open_tasks": _open_tasks(review),
            "timeline": review_timeline(review),
            "documents": documents_for_review(review),
            "dispatches": list(dispatches_for_review(review)),
        },
    )


def _reasons(raw: object) -> list[str]:
    """Relevance reasons are stored as strings or as {"text": …} objects by the sync."""
    if not isinstance(raw, list):
        return []
    reasons = []
    for item in raw:
        if isinstance(item, dict):
            reasons.append(str(item.get("text") or item.get("reason") or item.get("label") or item))
        else:
            reasons.append(str(item))
    return reasons
