"""Move a handful of demo reviews into different steps through the real services and tasks.

Called by `manage.py demo_data` after the import and the demo users exist. Each review is moved
only from its first step, so a second run leaves reviews that already moved alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from review import services
from review.models import AuditVerb, Review, User
from review.statements import services as statements

from . import runner
from .flows import ReviewFlow, start_missing, waiting_task

OFFICER, OFFICER2, HEAD = "sachbearbeitung", "sachbearbeitung2", "beauftragte"

DEMO_STATEMENT: dict[str, Any] = {
    "facts": "Die Vorlage sieht vor, das Angebot der Stadt auszuweiten.",
    "assessment": (
        "Aus Sicht der Integration sind Zugewanderte besonders betroffen; die Angebote "
        "sollten mehrsprachig bekannt gemacht werden."
    ),
    "recommendation": "approve_with_changes",
    "recommendation_text": "Zustimmung mit mehrsprachiger Information.",
}


def _do(review: Review, node: object, user: User, action: Callable[[], object]) -> None:
    task = (
        waiting_task(review, node)
        or Task.objects.filter(
            process__reviewprocess__review=review, flow_task=node, status=STATUS.ASSIGNED
        ).first()
    )
    if task is None:
        raise runner.TaskError(runner.TASK_DONE)
    runner.complete(task, user, None, action)  # type: ignore[arg-type]


def _triaged(review: Review, officer: User) -> None:
    _do(
        review,
        ReviewFlow.triage,
        officer,
        lambda: services.triage_relevant(review=review, by=officer),
    )


def _assigned(review: Review, officer: User, head: User) -> None:
    _triaged(review, officer)
    _do(
        review,
        ReviewFlow.assign,
        head,
        lambda: services.assign_review(review=review, assignee=officer, by=head),
    )


def _drafted(review: Review, officer: User, head: User) -> None:
    _assigned(review, officer, head)
    statements.save_statement_draft(review=review, by=officer, proposals=[], **DEMO_STATEMENT)


def _in_participation(review: Review, officer: User, head: User) -> None:
    _drafted(review, officer, head)
    _do(
        review,
        ReviewFlow.draft,
        officer,
        lambda: statements.start_participation(
            review=review, by=officer, share_with_beirat=True, contributors=[], due_date=None
        ),
    )


def _awaiting_approval(review: Review, officer: User, head: User) -> None:
    _drafted(review, officer, head)
    _do(
        review,
        ReviewFlow.draft,
        officer,
        lambda: statements.submit_for_approval(review=review, by=officer),
    )


STEPS: list[tuple[str, Callable[..., None]]] = [
    ("triaged", lambda r, o, o2, h: _triaged(r, o)),
    ("assigned", lambda r, o, o2, h: _assigned(r, o2, h)),
    ("drafting", lambda r, o, o2, h: _drafted(r, o, h)),
    ("participation", lambda r, o, o2, h: _in_participation(r, o, h)),
    ("approval", lambda r, o, o2, h: _awaiting_approval(r, o2, h)),
]


def advance_demo_reviews(limit: int = len(STEPS)) -> dict[str, int]:
    """Start flows for all open demo reviews, then move the first few into later steps.

    Returns {step: review id}. Needs the demo users (review.demo.users.create_demo_users).
    """
    people = {u.username: u for u in User.objects.filter(username__in=[OFFICER, OFFICER2, HEAD])}
    if len(people) < 3:
        return {}
    officer, officer2, head = people[OFFICER], people[OFFICER2], people[HEAD]
    start_missing(limit=100_000)
    fresh = list(
        Review.objects.filter(status=Review.Status.NEW, assignee__isnull=True)
        .exclude(audit_events__verb=AuditVerb.REVIEW_TRIAGED)
        .order_by("deadline", "id")[:limit]
    )
    moved: dict[str, int] = {}
    for (name, step), review in zip(STEPS, fresh, strict=False):
        with transaction.atomic():
            step(review, officer, officer2, head)
        moved[name] = review.pk
    return moved
