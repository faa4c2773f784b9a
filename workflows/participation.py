"""Participation branches: the Beirat's vote and colleagues' contributions run in parallel.

Each branch is a Handle that completes when its answers are in or its due date passed; the
Join then hands the statement to the Schlusszeichnung. `settle` is called after every answer
(vote recorded, contribution given) and by the periodic sweep for passed due dates; it is
idempotent because it only completes Handles still waiting (status NEW).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from viewflow.fsm import TransitionNotAllowed
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from review.models import Contribution, Review

from .flows import ReviewFlow, waiting_task


def _beirat_due(review: Review) -> date | None:
    return review.beirat_deadline or review.deadline


def _contributions_due(review: Review) -> date | None:
    dates = [
        c.due_date
        for c in review.contributions.filter(status=Contribution.Status.REQUESTED)
        if c.due_date
    ]
    return max(dates) if dates else None


def _passed(due: date | None, today: date) -> bool:
    return due is not None and due < today


def settle(review_id: int, today: date | None = None) -> list[str]:
    """Complete the branches that are done; returns the names of the completed branches."""
    today = today or timezone.localdate()
    review = Review.objects.get(pk=review_id)
    branches = [
        (
            ReviewFlow.await_beirat,
            not review.awaits_beirat_vote() or _passed(_beirat_due(review), today),
        ),
        (
            ReviewFlow.await_contributions,
            not review.awaits_contributions() or _passed(_contributions_due(review), today),
        ),
    ]
    completed = []
    for node, done in branches:
        task = waiting_task(review, node)
        if task is None or not done:
            continue
        try:
            with transaction.atomic():
                node.run(task)
            completed.append(node.name)
        except (TransitionNotAllowed, FlowLockFailed):
            # Someone else completed it a moment ago, or holds the lock: the sweep retries.
            continue
    return completed


def settle_due(today: date | None = None) -> int:
    """Periodic sweep: participations whose due date passed move on without the missing answers."""
    review_ids = set(
        Task.objects.filter(
            flow_task__in=[ReviewFlow.await_beirat, ReviewFlow.await_contributions],
            status=STATUS.NEW,
        ).values_list("process__reviewprocess__review_id", flat=True)
    )
    return sum(len(settle(review_id, today)) for review_id in sorted(review_ids))
