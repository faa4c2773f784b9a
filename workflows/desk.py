"""The Beauftragte's desk (#15): whom to give a waiting case, and what the approval compares.

Assignment: every officer's open cases and nearest deadlines, with absences and deputies, so the
case goes to someone who has room and is there. Approval: the changes since her last send-back
(facts on their own rows: `SendBack.version`, not the audit trail), or none on a first
submission, where the whole statement is new to her.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from review.models import Review, Role, SendBack, StatementVersion, User
from review.statements.diff import PartDiff, diff_versions

from . import queries
from .flows import ReviewFlow
from .forms import staff

# Enough to see whether someone's next weeks are full; the count says the rest.
NEAREST_DEADLINES = 3


@dataclass
class Workload:
    """One officer on the desk: open cases, the nearest deadlines, absent today or not."""

    person: User
    open_cases: int = 0
    deadlines: list[date] = field(default_factory=list)
    absent: bool = False

    @property
    def available(self) -> bool:
        return not self.absent


def officers() -> QuerySet[User]:
    return staff().filter(groups__name=Role.OFFICER.value).select_related("deputy")


def workloads(today: date | None = None) -> list[Workload]:
    """Every active officer with their open cases; the least loaded present officers first,
    absent ones last. Two queries, whatever the number of cases."""
    today = today or timezone.localdate()
    people = list(officers())
    loads = {person.pk: Workload(person, absent=person.is_absent(today)) for person in people}
    deadlines: dict[int, list[date]] = defaultdict(list)
    cases = Review.objects.open().filter(assignee__in=people).values_list("assignee", "deadline")
    for assignee, deadline in cases:
        loads[assignee].open_cases += 1
        if deadline is not None:
            deadlines[assignee].append(deadline)
    for pk, dates in deadlines.items():
        loads[pk].deadlines = sorted(dates)[:NEAREST_DEADLINES]
    return sorted(
        loads.values(),
        key=lambda load: (load.absent, load.open_cases, load.deadlines[:1] or [date.max]),
    )


def suggested(loads: list[Workload]) -> User | None:
    """The present officer with the fewest open cases (the list is sorted that way)."""
    return next((load.person for load in loads if load.available), None)


def waiting_assignments(user: User) -> list[queries.TaskRow]:
    """Assignment tasks this person may do now, without claiming: open ones and their own."""
    tasks = queries.human_tasks().filter(flow_task=ReviewFlow.assign)
    mine = tasks.filter(status=STATUS.NEW) | tasks.filter(status=STATUS.ASSIGNED, owner=user)
    return [row for row in queries.rows(mine, user) if _may_do(row.task, user)]


def _may_do(task: Task, user: User) -> bool:
    if task.status == STATUS.NEW:
        return bool(task.flow_task.can_assign(user, task))
    return bool(task.flow_task.can_execute(user, task))


def waiting_approvals(user: User) -> list[queries.TaskRow]:
    """Schlusszeichnungen this person may give now, the most urgent first (four-eyes: never a
    statement they helped write)."""
    approvals = queries.inbox_tasks(user).filter(flow_task=ReviewFlow.approve)
    return [row for row in queries.rows(approvals, user) if _may_do(row.task, user)]


@dataclass
class Changes:
    """What the approver compares: the version she sent back against the one before her now."""

    send_back: SendBack | None
    current: StatementVersion | None
    old: StatementVersion | None = None
    parts: list[PartDiff] | None = None

    @property
    def first_submission(self) -> bool:
        return self.send_back is None

    @property
    def unchanged(self) -> bool:
        return self.send_back is not None and self.old == self.current


def changes_since_send_back(review: Review) -> Changes:
    """The diff from the version of the last send-back to the current version. Without a
    send-back this is the first submission: nothing to compare, the whole text is new."""
    statement = getattr(review, "statement", None)
    current = statement.current_version if statement is not None else None
    send_back = review.latest_send_back()
    if send_back is None or current is None:
        return Changes(send_back, current)
    old = send_back.version
    if old.pk == current.pk:
        return Changes(send_back, current, old)
    return Changes(send_back, current, old, diff_versions(old, current))
