"""The report built from the figures: counts, step times, breakdowns, charts' data."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from review.models import Dispatch, FollowUp, Meeting, Recommendation, Review, Topic
from review.models.reviews import ReviewQuerySet

from . import counting
from .figures import AGE_BUCKETS, STEPS, ReportFilter, figure_conditions


@dataclass
class StepTime:
    key: str
    label: str
    count: int
    median_days: float | None
    p90_days: float | None


@dataclass
class Breakdown:
    """Outcome counts of one topic or Gremium."""

    name: str
    pk: int
    followed: int = 0
    partly: int = 0
    not_followed: int = 0

    @property
    def decided(self) -> int:
        return self.followed + self.partly + self.not_followed

    @property
    def follow_rate(self) -> float | None:
        return self.followed / self.decided if self.decided else None


@dataclass
class BusyMeeting:
    meeting: Meeting
    open_cases: int


@dataclass
class Report:
    report_filter: ReportFilter
    counts: dict[str, int]
    steps: list[StepTime]
    by_topic: list[Breakdown]
    by_organization: list[Breakdown]
    per_month: list[tuple[date, int]]
    cases_by_topic: list[tuple[Topic, int]]
    busiest_meetings: list[BusyMeeting]
    age_buckets: list[tuple[str, str, int]] = field(default_factory=list)
    # Beschlusskontrolle of the period's cases: (status or "overdue", label, count)
    follow_ups: list[tuple[str, str, int]] = field(default_factory=list)

    def rate(self, part: str, *parts: str) -> float | None:
        whole = sum(self.counts[p] for p in (part, *parts))
        return self.counts[part] / whole if whole else None

    @property
    def on_time_rate(self) -> float | None:
        return self.rate("on_time", "late")

    @property
    def beirat_on_time_rate(self) -> float | None:
        return self.rate("beirat_on_time", "beirat_late")

    @property
    def follow_rate(self) -> float | None:
        return self.rate("followed", "partly", "not_followed")

    @property
    def recommendations(self) -> list[tuple[str, str, int]]:
        return [
            (f"recommendation_{value}", str(label), self.counts[f"recommendation_{value}"])
            for value, label in Recommendation.choices
        ]


def _days(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None or end < start:
        return None
    return (end - start).total_seconds() / 86400


def _quantiles(values: list[float]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    if len(values) == 1:
        return values[0], values[0]
    # Method "inclusive": the 90th percentile stays within the observed values.
    deciles = statistics.quantiles(values, n=10, method="inclusive")
    return statistics.median(values), deciles[8]


def _step_times(rows: list[dict[str, Any]], cases: ReviewQuerySet) -> list[StepTime]:
    steps = []
    for key, label, start, end in STEPS:
        values = [d for row in rows if (d := _days(row[start], row[end])) is not None]
        median, p90 = _quantiles(values)
        steps.append(StepTime(key, str(label), len(values), median, p90))
    receipts = [
        d
        for sent, confirmed in Dispatch.objects.filter(
            review__in=cases.values("pk"),
            audience=Dispatch.Audience.CLERK,
            confirmed_at__isnull=False,
        ).values_list("sent_at", "confirmed_at")
        if (d := _days(sent, confirmed)) is not None
    ]
    median, p90 = _quantiles(receipts)
    steps.append(
        StepTime("step_receipt", str(_("Dispatch to receipt")), len(receipts), median, p90)
    )
    return steps


def _breakdown(cases: ReviewQuerySet, pk_field: str, name_field: str) -> list[Breakdown]:
    rows = (
        cases.exclude(outcome=Review.Outcome.NONE)
        .exclude(**{f"{pk_field}__isnull": True})
        .order_by()
        .values(pk_field, name_field, "outcome")
        .annotate(n=Count("pk", distinct=True))
    )
    found: dict[int, Breakdown] = {}
    for row in rows:
        entry = found.setdefault(row[pk_field], Breakdown(row[name_field], row[pk_field]))
        setattr(entry, row["outcome"], row["n"])
    return sorted(found.values(), key=lambda b: (-b.decided, b.name))


def _per_month(report_filter: ReportFilter, cases: ReviewQuerySet) -> list[tuple[date, int]]:
    tz = timezone.get_current_timezone()
    counts: dict[date, int] = {}
    for created in cases.values_list("created_at", flat=True):
        local = created.astimezone(tz)
        month = date(local.year, local.month, 1)
        counts[month] = counts.get(month, 0) + 1
    months = []
    month = date(report_filter.start.year, report_filter.start.month, 1)
    while month <= report_filter.end:
        months.append((month, counts.get(month, 0)))
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def _busiest_meetings(report_filter: ReportFilter, limit: int = 5) -> list[BusyMeeting]:
    open_papers = report_filter.open_cases().values("paper_id")
    meetings = (
        Meeting.objects.filter(start__gte=timezone.now(), cancelled=False)
        .annotate(
            open_cases=Count(
                "consultations__paper",
                filter=Q(consultations__paper__in=open_papers),
                distinct=True,
            )
        )
        .filter(open_cases__gt=0)
        .order_by("-open_cases", "start")
        .prefetch_related("organizations")[:limit]
    )
    return [BusyMeeting(m, m.open_cases) for m in meetings]


def build_report(report_filter: ReportFilter) -> Report:
    cases = report_filter.cases()
    conditions = figure_conditions()
    rows = counting.case_rows(cases)
    counts = counting.count(rows)
    age_keys = [key for key, *_rest in AGE_BUCKETS]
    counts.update(
        report_filter.open_cases().aggregate(
            **{key: Count("pk", filter=conditions[key]) for key in age_keys}
        )
    )
    topic_counts = dict(
        cases.filter(topics__isnull=False)
        .order_by()
        .values_list("topics")
        .annotate(n=Count("pk", distinct=True))
    )
    topics = Topic.objects.filter(pk__in=topic_counts)
    return Report(
        report_filter=report_filter,
        counts=counts,
        steps=_step_times(rows, cases),
        by_topic=_breakdown(cases, "topics__pk", "topics__name"),
        by_organization=_breakdown(
            cases,
            "paper__consultations__organizations__pk",
            "paper__consultations__organizations__name",
        ),
        per_month=_per_month(report_filter, cases),
        cases_by_topic=sorted(
            ((t, topic_counts[t.pk]) for t in topics), key=lambda item: (-item[1], item[0].name)
        ),
        busiest_meetings=_busiest_meetings(report_filter),
        age_buckets=[(key, str(label), counts[key]) for key, label, *_r in AGE_BUCKETS],
        follow_ups=_follow_ups(cases),
    )


def _follow_ups(cases: ReviewQuerySet) -> list[tuple[str, str, int]]:
    follow_ups = FollowUp.objects.filter(review__in=cases.values("pk"))
    counts = follow_ups.aggregate(
        overdue=Count(
            "pk",
            filter=Q(status__in=FollowUp.Status.open_values())
            & Q(due_date__lt=timezone.localdate()),
        ),
        **{value: Count("pk", filter=Q(status=value)) for value in FollowUp.Status.values},
    )
    return [("ueberfaellig", str(_("overdue")), counts["overdue"])] + [
        (value, str(label), counts[value]) for value, label in FollowUp.Status.choices
    ]
