"""What every task page shows beside the form: the paper, its files and Beratungsfolge."""

from __future__ import annotations

from typing import Any

from viewflow.workflow.models import Task

from review.models import Review

from .. import deadlines, queries
from ..timeline import review_timeline


def review_context(review: Review) -> dict[str, Any]:
    paper = review.paper
    statement = getattr(review, "statement", None)
    return {
        "review": review,
        "paper": paper,
        "files": list(paper.files.all()),
        "consultations": list(
            paper.consultations.select_related("meeting")
            .prefetch_related("organizations")
            .order_by("meeting__start")
        ),
        "version": statement.current_version if statement is not None else None,
        "events": review_timeline(review)[-8:][::-1],
    }


def task_context(task: Task) -> dict[str, Any]:
    review = queries.review_of(task)
    due = queries.due_date(task)
    return {
        **review_context(review),
        "task": task,
        "due": due,
        "urgency": deadlines.urgency(due),
    }
