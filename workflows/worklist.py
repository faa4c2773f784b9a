"""The triage worklist (#15): the new cases as rows to decide in place, and the decision itself.

A decision completes the case's triage task exactly as the task page does (runner.complete
around the triage service), so the audit trail and the flow are the same whichever page was
used; the worklist only saves the claim and the page loads around it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django import forms
from django.db import transaction
from django.db.models import F, OuterRef, Prefetch, Subquery
from django.db.models.expressions import OrderBy
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from review import services
from review.models import Consultation, File, Organization, Review, User
from review.models.reviews import ReviewQuerySet
from review.statements import services as statements

from . import runner
from .filters import RELEVANCE_BANDS, OrganizationChoiceField
from .flows import ReviewFlow

DOMAIN_ERRORS = (services.ReviewActionError, statements.StatementError, runner.TaskError)
NO_TRIAGE_OPEN = _("This paper is no longer waiting for triage – probably just decided by someone.")
NOTHING_SELECTED = _("Please select at least one paper.")

SORTS: dict[str, tuple[OrderBy | str, str]] = {
    "deadline": (F("deadline").asc(nulls_last=True), "id"),
    "-deadline": (F("deadline").desc(nulls_last=True), "-id"),
    "meeting": (F("next_meeting").asc(nulls_last=True), "id"),
    "-meeting": (F("next_meeting").desc(nulls_last=True), "-id"),
    "relevance": ("relevance_score", "id"),
    "-relevance": ("-relevance_score", "-id"),
    "reference": ("paper__reference", "id"),
    "-reference": ("-paper__reference", "-id"),
}
DEFAULT_SORT = "deadline"


class WorklistFilterForm(forms.Form):
    """The worklist's filters, read from the query string (German parameter names, like the
    list of cases)."""

    relevanz = forms.ChoiceField(
        label=_("Relevance"),
        required=False,
        choices=[
            ("", _("all")),
            ("hoch", _("high (70 and above)")),
            ("mittel", _("medium (40–69)")),
            ("niedrig", _("low (below 40)")),
        ],
    )
    gremium = OrganizationChoiceField(
        label=_("Committee"),
        required=False,
        queryset=Organization.objects.order_by("name", "pk"),
        empty_label=_("all"),
    )
    art = forms.ChoiceField(label=_("Type"), required=False)
    entschieden = forms.ChoiceField(
        label=_("Decision taken"),
        required=False,
        choices=[("", _("all")), ("ja", _("already decided")), ("nein", _("not yet decided"))],
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("deadline", _("deadline")),
            ("meeting", _("next meeting")),
            ("-relevance", _("relevance, highest first")),
            ("reference", _("number")),
        ],
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        types = (
            Review.objects.in_triage()
            .exclude(paper__paper_type="")
            .order_by("paper__paper_type")
            .values_list("paper__paper_type", flat=True)
            .distinct()
        )
        self.fields["art"].choices = [("", _("all")), *((t, t) for t in types)]  # type: ignore[attr-defined]

    def filter(self, reviews: ReviewQuerySet) -> ReviewQuerySet:
        if not self.is_valid():
            return reviews
        data = self.cleaned_data
        if data["relevanz"]:
            low, high = RELEVANCE_BANDS[data["relevanz"]]
            reviews = reviews.filter(relevance_score__gte=low, relevance_score__lte=high)
        if data["gremium"] is not None:
            reviews = reviews.filter(
                paper__in=Consultation.objects.filter(organizations=data["gremium"]).values("paper")
            )
        if data["art"]:
            reviews = reviews.filter(paper__paper_type=data["art"])
        if data["entschieden"] == "ja":
            reviews = reviews.exclude(decision_result="")
        elif data["entschieden"] == "nein":
            reviews = reviews.filter(decision_result="")
        return reviews

    @property
    def sort_key(self) -> str:
        sort = self.cleaned_data.get("sort") if self.is_valid() else ""
        return sort if sort in SORTS else DEFAULT_SORT


def band(score: int) -> str:
    """The relevance band of a score: "hoch", "mittel" or "niedrig" (as in the case filters)."""
    for name, (low, high) in RELEVANCE_BANDS.items():
        if low <= score <= high:
            return name
    return "niedrig"


@dataclass
class Row:
    """One paper of the worklist with what the officer needs to decide."""

    review: Review
    band: str
    next_meeting: datetime | None
    next_committee: str
    main_file: File | None


def _upcoming(now: datetime) -> Subquery:
    return Subquery(
        Consultation.objects.filter(
            paper=OuterRef("paper"), meeting__start__gte=now, meeting__cancelled=False
        )
        .order_by("meeting__start")
        .values("meeting__start")[:1]
    )


def worklist(reviews: ReviewQuerySet, sort: str) -> ReviewQuerySet:
    """The papers waiting for triage, with their next meeting's date to sort by."""
    return (
        reviews.in_triage()
        .select_related("paper")
        .annotate(next_meeting=_upcoming(timezone.now()))
        .order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))
    )


def rows(reviews: list[Review]) -> list[Row]:
    """Rows for one page: consultations and files in two queries for the whole page."""
    now = timezone.now()
    papers = {review.paper_id: review.paper for review in reviews}
    upcoming = (
        Consultation.objects.filter(
            paper__in=list(papers), meeting__start__gte=now, meeting__cancelled=False
        )
        .select_related("meeting")
        .prefetch_related(Prefetch("organizations", queryset=Organization.objects.order_by("name")))
        .order_by("meeting__start", "id")
    )
    first: dict[int, Consultation] = {}
    for consultation in upcoming:
        first.setdefault(consultation.paper_id, consultation)
    main_files: dict[int, File] = {}
    for file in File.objects.filter(paper__in=list(papers)).order_by("-is_main_file", "id"):
        main_files.setdefault(file.paper_id, file)
    result = []
    for review in reviews:
        consultation = first.get(review.paper_id)
        committee = ""
        if consultation is not None:
            names = [org.name for org in consultation.organizations.all()]
            committee = ", ".join(names) or (
                consultation.meeting.name if consultation.meeting else ""
            )
        result.append(
            Row(
                review=review,
                band=band(review.relevance_score),
                next_meeting=consultation.meeting.start
                if consultation is not None and consultation.meeting
                else None,
                next_committee=committee,
                main_file=main_files.get(review.paper_id),
            )
        )
    return result


def _open_task(review: Review, node: object) -> Task | None:
    return (
        Task.objects.filter(
            process__reviewprocess__review=review,
            flow_task=node,
            status__in=[STATUS.NEW, STATUS.ASSIGNED],
        )
        .select_related("owner")
        .order_by("id")
        .first()
    )


def decide(
    *,
    review: Review,
    by: User,
    request: HttpRequest,
    relevant: bool,
    reason: str,
    assignee: User | None = None,
) -> str | None:
    """Triage one paper from the worklist; the error message if it was refused, else None.

    "Betroffen" goes to the Beauftragte's assignment; with `assignee` (only for people who may
    assign) the assignment step is done in the same transaction."""
    task = _open_task(review, ReviewFlow.triage)
    if task is None:
        return str(NO_TRIAGE_OPEN)
    try:
        with transaction.atomic():
            if relevant:
                runner.complete(
                    task, by, request, lambda: services.triage_relevant(review=review, by=by)
                )
            else:
                runner.complete(
                    task,
                    by,
                    request,
                    lambda: services.triage_not_affected(review=review, by=by, reason=reason),
                )
            if relevant and assignee is not None:
                assign = _open_task(review, ReviewFlow.assign)
                if assign is None:  # pragma: no cover - the flow creates it on the triage
                    raise runner.TaskError(runner.TASK_DONE)
                runner.complete(
                    assign,
                    by,
                    request,
                    lambda: services.assign_review(review=review, assignee=assignee, by=by),
                )
    except DOMAIN_ERRORS as error:
        return str(error)
    return None
