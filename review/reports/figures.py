"""The report's figures as queries over cases, each with the cases behind it.

Every figure is a condition on one annotated case QuerySet (`ReportFilter.cases()`); the link
behind a figure lists `cases_for(key)` with that condition. The page counts the same figures
with predicates over one row per case (counting.py, faster), held equal to these conditions by
a test; summary.py builds the report from both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import (
    DateTimeField,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    Subquery,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from review.models import (
    BeiratVote,
    Consultation,
    Dispatch,
    Organization,
    Recommendation,
    Review,
    Source,
    StatementVersion,
    Topic,
)
from review.models.reviews import ReviewQuerySet

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Status = Review.Status
RELEVANT = ~Q(status__in=[Status.NEW, Status.NOT_AFFECTED])
RELEASED = Q(status__in=[Status.APPROVED, Status.DISPATCHED, Status.CLOSED])


@dataclass(frozen=True)
class ReportFilter:
    """The period (cases opened from `start` to `end`, both included) and the filters."""

    start: date
    end: date
    topic: Topic | None = None
    organization: Organization | None = None  # Gremium: consulted in it
    lead_office: Organization | None = None  # federführend
    source: Source | None = None

    def _bounds(self) -> tuple[datetime, datetime]:
        tz = timezone.get_current_timezone()
        start = datetime.combine(self.start, time.min, tzinfo=tz)
        return start, datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=tz)

    def _filtered(self, reviews: ReviewQuerySet) -> ReviewQuerySet:
        if self.topic is not None:
            reviews = reviews.filter(topics=self.topic)
        if self.organization is not None:
            reviews = reviews.filter(
                Exists(
                    Consultation.objects.filter(
                        paper_id=OuterRef("paper_id"), organizations=self.organization
                    )
                )
            )
        if self.lead_office is not None:
            reviews = reviews.filter(paper__under_direction_of=self.lead_office)
        if self.source is not None:
            reviews = reviews.filter(paper__source=self.source)
        return reviews

    def cases(self) -> ReviewQuerySet:
        """Cases opened in the period, with what the figures compare."""
        start, end = self._bounds()
        reviews = self._filtered(Review.objects.filter(created_at__gte=start, created_at__lt=end))
        return annotate(reviews)

    def open_cases(self) -> ReviewQuerySet:
        """Cases open today, whenever they were opened (the age figures)."""
        return annotate(self._filtered(Review.objects.open()))


def _first_sent(audience: str) -> Subquery:
    return Subquery(
        Dispatch.objects.filter(review=OuterRef("pk"), audience=audience, sent_at__isnull=False)
        .order_by()
        .values("review")
        .annotate(first=Min("sent_at"))
        .values("first"),
        output_field=DateTimeField(),
    )


def _first_approval() -> Subquery:
    # The Schlusszeichnung is stored on the version it approved (migration 0012).
    return Subquery(
        StatementVersion.objects.filter(statement__review=OuterRef("pk"), approved_at__isnull=False)
        .order_by()
        .values("statement__review")
        .annotate(first=Min("approved_at"))
        .values("first"),
        output_field=DateTimeField(),
    )


def annotate(reviews: ReviewQuerySet) -> ReviewQuerySet:
    # The committee meeting the statement is for: the paper's first meeting after the case
    # opened in a Gremium other than the Beirat.
    committee_meeting = Subquery(
        Consultation.objects.filter(
            paper_id=OuterRef("paper_id"),
            meeting__cancelled=False,
            meeting__start__gte=OuterRef("created_at"),
        )
        .exclude(meeting__organizations__is_advisory_council=True)
        .order_by("meeting__start")
        .values("meeting__start")[:1],
        output_field=DateTimeField(),
    )
    latest_recommendation = Subquery(
        StatementVersion.objects.filter(statement__review=OuterRef("pk"))
        .order_by("-number")
        .values("recommendation")[:1]
    )
    return reviews.annotate(
        committee_meeting=committee_meeting,
        first_clerk_sent=_first_sent(Dispatch.Audience.CLERK),
        first_beirat_sent=_first_sent(Dispatch.Audience.BEIRAT),
        recommendation=latest_recommendation,
        approved_at=_first_approval(),
        receipt_confirmed=Exists(
            Dispatch.objects.filter(
                review=OuterRef("pk"),
                audience=Dispatch.Audience.CLERK,
                confirmed_at__isnull=False,
            )
        ),
        vote_at=Subquery(
            BeiratVote.objects.filter(review=OuterRef("pk")).values("recorded_at")[:1],
            output_field=DateTimeField(),
        ),
    )


def _now() -> datetime:
    return timezone.now()


def _committee_due() -> Q:
    """A statement was due: relevant, the meeting known, and dispatched or the meeting past."""
    return (
        RELEVANT
        & Q(committee_meeting__isnull=False)
        & (Q(first_clerk_sent__isnull=False) | Q(committee_meeting__lt=_now()))
    )


def _beirat_due() -> Q:
    return (
        RELEVANT
        & Q(beirat_deadline__isnull=False)
        & (Q(first_beirat_sent__isnull=False) | Q(beirat_deadline__lt=timezone.localdate()))
    )


def _vote_in_time() -> Q:
    return Q(beirat_vote__isnull=False) & (
        Q(beirat_deadline__isnull=True) | Q(vote_at__date__lte=F("beirat_deadline"))
    )


AGE_BUCKETS: list[tuple[str, StrOrPromise, int, int | None]] = [
    ("age_week", _("up to a week"), 0, 7),
    ("age_month", _("8 to 30 days"), 8, 30),
    ("age_quarter", _("31 to 90 days"), 31, 90),
    ("age_older", _("more than 90 days"), 91, None),
]


def _age(low: int, high: int | None) -> Q:
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    # Opened on day (today - n): at least `low`, at most `high` days ago.
    condition = Q(created_at__lt=datetime.combine(today - timedelta(days=low - 1), time.min, tz))
    if high is not None:
        condition &= Q(created_at__gte=datetime.combine(today - timedelta(days=high), time.min, tz))
    return condition


def figure_conditions() -> dict[str, Q]:
    """Figure key → the condition selecting its cases (recomputed: "now" moves)."""
    conditions = {
        "all": Q(),
        "screened": ~Q(status=Status.NEW),
        "triage_open": Q(status=Status.NEW),
        "not_affected": Q(status=Status.NOT_AFFECTED),
        "relevant": RELEVANT,
        "released": RELEASED,
        "on_time": _committee_due() & Q(first_clerk_sent__lt=F("committee_meeting")),
        "late": _committee_due()
        & (Q(first_clerk_sent__isnull=True) | Q(first_clerk_sent__gte=F("committee_meeting"))),
        "beirat_on_time": _beirat_due() & Q(first_beirat_sent__date__lte=F("beirat_deadline")),
        "beirat_late": _beirat_due()
        & (Q(first_beirat_sent__isnull=True) | Q(first_beirat_sent__date__gt=F("beirat_deadline"))),
        "votes_requested": Q(shared_with_beirat=True),
        "votes_given": Q(beirat_vote__isnull=False),
        "votes_in_time": _vote_in_time(),
        "votes_late": Q(
            beirat_vote__isnull=False,
            beirat_deadline__isnull=False,
            vote_at__date__gt=F("beirat_deadline"),
        ),
        "decided": ~Q(outcome=Review.Outcome.NONE),
        "open": ~Q(status__in=Status.closed_values()),
        "step_triage": Q(triaged_at__isnull=False),
        "step_drafting": Q(assigned_at__isnull=False, submitted_at__isnull=False),
        "step_beirat": Q(participation_started_at__isnull=False, vote_at__isnull=False),
        "step_approval": Q(submitted_at__isnull=False, approved_at__isnull=False),
        "step_receipt": Q(receipt_confirmed=True),
    }
    for outcome in Review.Outcome.values:
        if outcome:
            conditions[outcome] = Q(outcome=outcome)
    for recommendation in Recommendation.values:
        conditions[f"recommendation_{recommendation}"] = RELEASED & Q(recommendation=recommendation)
    for key, _label, low, high in AGE_BUCKETS:
        conditions[key] = _age(low, high)
    return conditions


def cases_for(report_filter: ReportFilter, key: str) -> ReviewQuerySet | None:
    """The cases behind figure `key`; None for an unknown key."""
    conditions = figure_conditions()
    if key not in conditions:
        return None
    base = report_filter.open_cases() if key.startswith("age_") else report_filter.cases()
    return base.filter(conditions[key]).distinct()


STEPS: list[tuple[str, StrOrPromise, str, str]] = [
    ("step_triage", _("Triage"), "created_at", "triaged_at"),
    ("step_drafting", _("Drafting"), "assigned_at", "submitted_at"),
    ("step_beirat", _("Beirat vote"), "participation_started_at", "vote_at"),
    ("step_approval", _("Approval"), "submitted_at", "approved_at"),
]


def figure_label(key: str) -> str:
    """What the list of a figure's cases is headed with."""
    labels: dict[str, StrOrPromise] = {
        "all": _("all cases of the period"),
        "screened": _("screened"),
        "triage_open": _("triage still open"),
        "not_affected": _("not affected"),
        "relevant": _("relevant"),
        "released": _("statement released"),
        "on_time": _("statement with the committee before its meeting"),
        "late": _("statement late for the committee"),
        "beirat_on_time": _("statement with the Beirat in time"),
        "beirat_late": _("statement late for the Beirat"),
        "votes_requested": _("Beirat vote requested"),
        "votes_given": _("Beirat vote given"),
        "votes_in_time": _("Beirat vote in time"),
        "votes_late": _("Beirat vote late"),
        "decided": _("decided by the committee"),
        "open": _("open"),
        **{key: label for key, label, *_rest in STEPS},
        "step_receipt": _("Dispatch to receipt"),
        **dict(Review.Outcome.choices),
        **{f"recommendation_{value}": label for value, label in Recommendation.choices},
        **{key: label for key, label, *_rest in AGE_BUCKETS},
    }
    return str(labels.get(key, key))
