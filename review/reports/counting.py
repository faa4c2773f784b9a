"""The figures counted in Python over one row per case.

Each figure is defined as a Q condition in figures.py (the list behind a number filters by it).
Counting the conditions in one SQL aggregate made PostgreSQL evaluate the correlated subqueries
(first dispatch, committee meeting, …) once per condition and row (docs/performance.md, "Figures
behind the code"). Here the subqueries run once per row and the conditions are these predicates,
which tests/review/reports/test_figures.py holds equal to the Q conditions, figure by figure.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import partial
from typing import Any

from django.utils import timezone

from review.models import Recommendation, Review
from review.models.reviews import ReviewQuerySet

Status = Review.Status
Row = dict[str, Any]
ROW_FIELDS = [
    "status",
    "outcome",
    "shared_with_beirat",
    "beirat_deadline",
    "created_at",
    "committee_meeting",
    "first_clerk_sent",
    "first_beirat_sent",
    "recommendation",
    "triaged_at",
    "assigned_at",
    "submitted_at",
    "approved_at",
    "participation_started_at",
    "vote_at",
    "receipt_confirmed",
]
CLOSED = set(Status.closed_values())
RELEASED = {Status.APPROVED, Status.DISPATCHED, Status.CLOSED}


def case_rows(cases: ReviewQuerySet) -> list[Row]:
    return list(cases.order_by().values(*ROW_FIELDS))


def _day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def predicates(now: datetime, today: date) -> dict[str, Callable[[Row], bool]]:
    def relevant(r: Row) -> bool:
        return r["status"] not in (Status.NEW, Status.NOT_AFFECTED)

    def committee_due(r: Row) -> bool:
        return (
            relevant(r)
            and r["committee_meeting"] is not None
            and (r["first_clerk_sent"] is not None or r["committee_meeting"] < now)
        )

    def on_time(r: Row) -> bool:
        sent = r["first_clerk_sent"]
        return committee_due(r) and sent is not None and sent < r["committee_meeting"]

    def beirat_due(r: Row) -> bool:
        return (
            relevant(r)
            and r["beirat_deadline"] is not None
            and (r["first_beirat_sent"] is not None or r["beirat_deadline"] < today)
        )

    def beirat_on_time(r: Row) -> bool:
        sent = r["first_beirat_sent"]
        return beirat_due(r) and sent is not None and _day(sent) <= r["beirat_deadline"]

    def vote_in_time(r: Row) -> bool:
        return r["vote_at"] is not None and (
            r["beirat_deadline"] is None or _day(r["vote_at"]) <= r["beirat_deadline"]
        )

    def both(start: str, end: str) -> Callable[[Row], bool]:
        return lambda r: r[start] is not None and r[end] is not None

    found: dict[str, Callable[[Row], bool]] = {
        "all": lambda r: True,
        "screened": lambda r: r["status"] != Status.NEW,
        "triage_open": lambda r: r["status"] == Status.NEW,
        "not_affected": lambda r: r["status"] == Status.NOT_AFFECTED,
        "relevant": relevant,
        "released": lambda r: r["status"] in RELEASED,
        "on_time": on_time,
        "late": lambda r: committee_due(r) and not on_time(r),
        "beirat_on_time": beirat_on_time,
        "beirat_late": lambda r: beirat_due(r) and not beirat_on_time(r),
        "votes_requested": lambda r: bool(r["shared_with_beirat"]),
        "votes_given": lambda r: r["vote_at"] is not None,
        "votes_in_time": vote_in_time,
        "votes_late": lambda r: (
            r["vote_at"] is not None
            and r["beirat_deadline"] is not None
            and _day(r["vote_at"]) > r["beirat_deadline"]
        ),
        "decided": lambda r: r["outcome"] != Review.Outcome.NONE,
        "open": lambda r: r["status"] not in CLOSED,
        "step_triage": lambda r: r["triaged_at"] is not None,
        "step_drafting": both("assigned_at", "submitted_at"),
        "step_beirat": both("participation_started_at", "vote_at"),
        "step_approval": both("submitted_at", "approved_at"),
        "step_receipt": lambda r: bool(r["receipt_confirmed"]),
    }
    for outcome in Review.Outcome.values:
        if outcome:
            found[outcome] = partial(_has_outcome, outcome)
    for value in Recommendation.values:
        found[f"recommendation_{value}"] = partial(_recommends, value)
    return found


def _has_outcome(outcome: str, r: Row) -> bool:
    return bool(r["outcome"] == outcome)


def _recommends(value: str, r: Row) -> bool:
    return r["status"] in RELEASED and r["recommendation"] == value


def count(
    rows: list[Row], now: datetime | None = None, today: date | None = None
) -> dict[str, int]:
    tests = predicates(now or timezone.now(), today or timezone.localdate())
    return {key: sum(1 for row in rows if test(row)) for key, test in tests.items()}
