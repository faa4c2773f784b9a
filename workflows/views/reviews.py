"""The office's view of all cases: a filtered, sortable list and the case page."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task

from review.dispatch.queries import dispatches_for_review
from review.documents.services import documents_for_review
from review.models import (
    BeiratVote,
    ChangeProposal,
    Consultation,
    Contribution,
    Dispatch,
    Document,
    File,
    Paper,
    Review,
    Statement,
    StatementVersion,
)
from review.models.expressions import CompiledQuery, Joined, has_rows, joined_names
from review.models.oparl import consultations_of_paper
from review.models.people import person_name
from review.oparl.reasons import describe
from review.templatetags.deadlines import deadline_html
from review.views.listing import CountingPaginator, page_query, sort_columns

from ..filters import ReviewFilterForm
from ..queries import has_open_tasks, link_for, open_tasks_for_review
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
    if not review.has_open_tasks:  # type: ignore[attr-defined]
        return []
    # link_for: the task page for human steps, the page that completes a waiting step otherwise.
    return [(task, link_for(task, review.pk)) for task in open_tasks_for_review(review)]


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    _check_office(request)
    # htmx asks for the results only when a filter changes; the form stays as it is.
    template = "workflows/reviews/list.html"
    if request.headers.get("HX-Request"):
        template += "#results"
    return render(request, template, _list_context(request))


def due_soon_until(request: HttpRequest, today: date) -> date:
    """The last day a deadline counts as "due soon" for the viewer (User.notice_days)."""
    return today + timedelta(days=request.user.notice_days)  # type: ignore[union-attr]


LIST_COLUMNS = (
    "pk",
    "status",
    "deadline",
    "relevance_score",
    "paper__reference",
    "paper__name",
    "assignee__username",
    "assignee__first_name",
    "assignee__last_name",
)
TITLE_LENGTH = 110


def _list_context(request: HttpRequest) -> dict[str, Any]:
    today = timezone.localdate()
    form = ReviewFilterForm(request.GET or None)
    sort, ordering = _ordering(request.GET.get("sort", DEFAULT_SORT))
    reviews = form.filter(Review.objects.all(), today)
    # The rows as columns, not cases: the list only shows them, and a case's and a paper's row
    # hold long texts. The topics come as one "A, B" string in the row's own query.
    listed = reviews.values(*LIST_COLUMNS, topic_names=joined_names(Review.topics, Review))
    paginator = CountingPaginator(listed.order_by(*ordering), reviews, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("seite"))
    return {
        "form": form,
        "page": page,
        "rows": _rows(page.object_list, today, due_soon_until(request, today)),
        "sort": sort,
        "query": request.GET.urlencode(),
        "filter_params": page_query(request.GET),
        "filtered": any(request.GET.get(form.add_prefix(name)) for name in form.fields),
        "columns": sort_columns(
            request.GET,
            sort,
            [
                ("reference", _("Paper")),
                ("status", _("Status")),
                ("assignee", _("Officer in charge")),
                ("deadline", _("Deadline")),
                ("relevance", _("Relevance")),
            ],
        ),
    }


def _rows(listed: Any, today: date, due_soon_until: date) -> list[dict[str, object]]:
    """What each cell shows, as the case's own methods and the template's filters would show
    it, computed here: filters and tags in every row were most of what a page of the list
    cost in the template engine."""
    closed = Review.Status.closed_values()
    statuses = dict(Review.Status.choices)
    rows = []
    for row in listed:
        rows.append(
            {
                "link": reverse("workflows:review_detail", args=[row["pk"]]),
                "reference": row["paper__reference"] or "–",
                "title": _shortened(row["paper__name"]),
                "status": str(statuses.get(row["status"], row["status"])),  # get_status_display
                "assignee": _person_name(row) or "–",
                "deadline": deadline_html(
                    row["deadline"],
                    closed=row["status"] in closed,
                    today=today,
                    due_soon_until=due_soon_until,
                )
                or "–",
                "relevance": row["relevance_score"],
                "topics": row["topic_names"] or "–",
            }
        )
    return rows


def _person_name(row: dict[str, Any]) -> str | None:
    """The assignee as User.__str__ shows a person: the full name, else the username."""
    if row["assignee__username"] is None:
        return None
    full_name = f"{row['assignee__first_name']} {row['assignee__last_name']}".strip()
    return full_name or row["assignee__username"]


def _shortened(title: str) -> str:
    """The truncatechars filter's result; it looks at each character for combining ones, so
    only titles that may be too long go through it."""
    return title if len(title) <= TITLE_LENGTH else Truncator(title).chars(TITLE_LENGTH)


# What the case page shows of a case and its paper. The rows hold far more (long texts), and
# of a person the page shows the name only (people.person_name): the ORM's time per query
# grows with every column it selects and every table it joins.
DETAIL_COLUMNS = (
    "paper",
    "status",
    "deadline",
    "beirat_deadline",
    "relevance_score",
    "relevance_reasons",
    "shared_with_beirat",
    "close_reason",
    "decision_result",
    "decided_at",
    "outcome",
    "dispatch_outcome",
)
_PAPER = Joined(
    "paper", Paper, ("name", "reference", "date", "paper_type", "originator", "is_public", "web")
)
# The case with everything its page shows, as one statement compiled once per process (the
# page is opened all day and rendered anew each time; building the statement cost more than
# running it): names come as strings, and the lists that are usually empty are asked for only
# when these flags say they are not.
_CASE: CompiledQuery[Review] = CompiledQuery(
    lambda pk: (
        Review.objects.only(*DETAIL_COLUMNS)
        .annotate(
            **_PAPER.annotations(),
            assignee_name=person_name(Review.assignee),
            topic_names=joined_names(Review.topics, Review),
            lead_names=joined_names(Paper.under_direction_of, Review, "paper"),
            has_files=has_rows(File, "paper", Review, "paper"),
            has_statement=has_rows(Statement, "review", Review),
            has_contributions=has_rows(Contribution, "review", Review),
            has_documents=has_rows(Document, "review", Review),
            has_dispatches=has_rows(Dispatch, "review", Review),
            has_open_tasks=has_open_tasks(),
            has_beirat_vote=has_rows(BeiratVote, "review", Review),
        )
        .filter(pk=pk)
    )
)


def _get_review(pk: int) -> Review:
    """The case with its paper and what its page shows, or 404."""
    review = _CASE.get(pk)
    if review is None:
        raise Http404
    _PAPER.attach(review)
    return review


def _beirat_vote(review: Review) -> BeiratVote | None:
    """Most cases are never shared with the Beirat: asked for only when there is a vote."""
    if not review.has_beirat_vote:  # type: ignore[attr-defined]
        return None
    return BeiratVote.objects.select_related("recorded_by").get(review=review)


def _files(review: Review) -> list[File]:
    """The paper's attachments; papers opened by hand and many imported ones have none."""
    if not review.has_files:  # type: ignore[attr-defined]
        return []
    return list(
        File.objects.filter(paper_id=review.paper_id).only(
            "name", "file_name", "content", "download_url", "access_url", "is_main_file", "size"
        )
    )


def _contributions(review: Review) -> list[Contribution]:
    if not review.has_contributions:  # type: ignore[attr-defined]
        return []
    return list(review.contributions.select_related("contributor"))


# The statement's versions as the case page lists them, compiled once per process like the case.
_VERSIONS: CompiledQuery[StatementVersion] = CompiledQuery(
    lambda review: (
        StatementVersion.objects.filter(statement__review_id=review)
        .only(
            "number",
            "facts",
            "assessment",
            "recommendation",
            "recommendation_text",
            "created_at",
            "note",
        )
        .annotate(
            author_name=person_name(StatementVersion.author),
            has_proposals=has_rows(ChangeProposal, "version", StatementVersion),
        )
        .order_by("-number")
    )
)


def _statement_versions(review: Review) -> list[StatementVersion]:
    """Newest first; a case gets its statement with the first draft, so new cases have none."""
    if not review.has_statement:  # type: ignore[attr-defined]
        return []
    return _VERSIONS.all(review.pk)


def _proposals(version: StatementVersion | None) -> list[ChangeProposal]:
    """The change proposals of the version shown; most versions have none."""
    if version is None or not version.has_proposals:  # type: ignore[attr-defined]
        return []
    return list(version.change_proposals.all())


def _receipts(dispatches: list[Dispatch]) -> list[Dispatch]:
    """The clerks' mails of the newest version sent: their receipt belongs on the first screen,
    since the office is asked about it by phone (the list comes newest version first)."""
    sent = [d for d in dispatches if d.audience == Dispatch.Audience.CLERK and d.sent_at]
    if not sent:
        return []
    newest = sent[0].statement_version_id
    return [d for d in sent if d.statement_version_id == newest]


@login_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _check_office(request)
    review = _get_review(pk)
    versions = _statement_versions(review)
    current_version = versions[0] if versions else None
    dispatches = list(dispatches_for_review(review))
    consultations = consultations_of_paper(review.paper_id)
    return render(
        request,
        "workflows/reviews/detail.html",
        {
            "review_pk": pk,
            "reference": review.paper.reference,
            "review": review,
            "paper": review.paper,
            "today": timezone.localdate(),
            "due_soon_until": due_soon_until(request, timezone.localdate()),
            "reasons": _reasons(review.relevance_reasons),
            "current_version": current_version,
            "proposals": _proposals(current_version),
            "lead_names": review.lead_names,  # type: ignore[attr-defined]
            "versions": versions,
            "beirat_vote": _beirat_vote(review),
            "contributions": _contributions(review),
            "open_tasks": _open_tasks(review),
            "timeline": review_timeline(review),
            "documents": documents_for_review(review),
            "dispatches": dispatches,
            "receipts": _receipts(dispatches),
            "files": _files(review),
            "consultations": consultations,
            "decision_files": _decision_files(review.paper, consultations),
        },
    )


def _decision_files(paper: Paper, consultations: list[Consultation]) -> list[File]:
    """Files hang on the agenda items the paper was discussed under; most cases' papers were
    not discussed yet, so the Beratungsfolge (already fetched) says whether to ask."""
    if not any(step.agenda_item_id for step in consultations):
        return []
    return list(paper.decision_files())


def _reasons(raw: object) -> list[str]:
    """Relevance reasons are stored as strings or as {"text": …} objects by the sync."""
    if not isinstance(raw, list):
        return []
    reasons = []
    for item in raw:
        if isinstance(item, dict):
            text = item.get("text") or item.get("reason") or item.get("label") or item
            reasons.append(describe(text))
        else:
            reasons.append(describe(item))
    return reasons
