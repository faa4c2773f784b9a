"""Move a handful of demo reviews into different steps through the real services and tasks.

Called by `manage.py demo_data` after the import and the demo users exist. Each review is moved
only from its first step, so a second run leaves reviews that already moved alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from review import services
from review.external.access import RELEASED_STATUSES, next_meeting_for
from review.models import Meeting, Review, User
from review.statements import services as statements

from . import runner
from .flows import ReviewFlow, start_missing, waiting_task

OFFICER, OFFICER2, HEAD = "sachbearbeitung", "sachbearbeitung2", "beauftragte"
CLERK = "gremienbetreuung"
# The clerk's package for the next meeting needs more than one statement to show what it is for.
RELEASED_FOR_NEXT_MEETING = 2

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


def _released(review: Review, officer: User, head: User) -> None:
    """Approved by the head; on commit the flow makes the documents and mails the clerks."""
    _awaiting_approval(review, officer, head)
    _do(
        review,
        ReviewFlow.approve,
        head,
        lambda: statements.statement_approve(review=review, by=head),
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
        Review.objects.filter(
            status=Review.Status.NEW, assignee__isnull=True, triaged_at__isnull=True
        ).order_by("deadline", "id")[:limit]
    )
    moved: dict[str, int] = {}
    for (name, step), review in zip(STEPS, fresh, strict=False):
        with transaction.atomic():
            step(review, officer, officer2, head)
        moved[name] = review.pk
    return moved


def _is_fresh(review: Review) -> bool:
    return (
        review.status == Review.Status.NEW
        and review.assignee_id is None
        and review.triaged_at is None
    )


def next_meeting_cases(
    clerk: User, count: int = RELEASED_FOR_NEXT_MEETING
) -> tuple[Meeting, list[Review], list[Review]] | None:
    """The clerk's next meeting that deliberates at least `count` demo cases, with its released
    cases and the fresh ones still needed to make up `count`.

    Only cases listed under this meeting on the clerk's page count: those whose next meeting in
    the clerk's committees it is. Meetings of the next two weeks have no cases in the demo
    (review/demo/municipality.py: _too_soon), so this is usually the one after."""
    committees = set(clerk.organizations.values_list("pk", flat=True))
    meetings = (
        Meeting.objects.filter(
            organizations__in=committees, start__gte=timezone.now(), cancelled=False
        )
        .distinct()
        .order_by("start", "pk")
    )
    for meeting in meetings:
        cases = (
            Review.objects.filter(
                paper__consultations__meeting=meeting, paper__consultations__deleted=False
            )
            .distinct()
            .prefetch_related(
                "paper__consultations__meeting", "paper__consultations__organizations"
            )
            .order_by("deadline", "id")
        )
        here = [r for r in cases if next_meeting_for(r, committees) == meeting]
        released = [r for r in here if r.status in RELEASED_STATUSES]
        fresh = [r for r in here if _is_fresh(r)]
        if len(released) >= count:
            return meeting, released, []
        if len(released) + len(fresh) >= count:
            return meeting, released, fresh[: count - len(released)]
    return None


def release_for_next_meeting(count: int = RELEASED_FOR_NEXT_MEETING) -> list[int]:
    """Take `count` cases of the clerk's next meeting through approval, so that `make run`'s
    clerk finds the meeting's package (documents from the office's template, mailed to them).

    Runs on every `make run`: the demo's meetings move with the calendar, so a later day's
    next meeting may have nothing released yet. Returns the ids of the cases released now."""
    people = {u.username: u for u in User.objects.filter(username__in=[OFFICER, HEAD, CLERK])}
    if len(people) < 3:
        return []
    officer, head = people[OFFICER], people[HEAD]
    start_missing(limit=100_000)
    found = next_meeting_cases(people[CLERK], count)
    if found is None:
        return []
    _meeting, _released_before, fresh = found
    for review in fresh:
        # One transaction per case: its commit queues the documents, then the dispatch.
        with transaction.atomic():
            _released(review, officer, head)
    return [review.pk for review in fresh]
