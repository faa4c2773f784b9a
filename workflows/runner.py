"""Doing a human task from a view: claim if needed, run the domain action, complete the task.

All of it happens under the flow's process lock in one transaction, so a domain error rolls the
task back too, and two people acting on the same task at once cannot both succeed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.http import HttpRequest
from viewflow.fsm import TransitionNotAllowed
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from review.models import AuditEvent, User

TASK_DONE = "Diese Aufgabe ist bereits erledigt – vermutlich gerade von jemand anderem."
TASK_BUSY = (
    "Diese Aufgabe wird gerade von jemand anderem bearbeitet. Bitte laden Sie die Seite neu."
)
NOT_YOUR_TASK = "Diese Aufgabe ist einer anderen Person zugewiesen."
CANNOT_TAKE = "Sie können diese Aufgabe nicht übernehmen."

T = TypeVar("T")


class TaskError(Exception):
    pass


def claim(task: Task, user: User) -> None:
    """Übernehmen: take an unassigned task from the team queue."""
    try:
        with task.activation() as activation:
            if task.status != STATUS.NEW:
                raise TaskError(TASK_DONE if task.finished else NOT_YOUR_TASK)
            if not task.flow_task.can_assign(user, task):
                raise TaskError(CANNOT_TAKE)
            activation.assign(user)
            review = task.process.coerced.review
            AuditEvent.record(
                "task.claimed",
                actor=user,
                obj=review,
                review=review,
                details={"task": str(task.flow_task.task_title)},
            )
    except FlowLockFailed as error:
        raise TaskError(TASK_BUSY) from error


def complete[T](task: Task, user: User, request: HttpRequest, action: Callable[[], T]) -> T:
    """Run `action` (a domain service call) and complete the task, all or nothing."""
    try:
        with task.activation() as activation:
            if task.status == STATUS.NEW:
                if not task.flow_task.can_assign(user, task):
                    raise TaskError(CANNOT_TAKE)
                activation.assign(user)
            if task.status != STATUS.ASSIGNED:
                raise TaskError(TASK_DONE)
            if not task.flow_task.can_execute(user, task):
                raise TaskError(NOT_YOUR_TASK)
            activation.start(request)
            result = action()
            activation.execute()
            return result
    except FlowLockFailed as error:
        raise TaskError(TASK_BUSY) from error
    except TransitionNotAllowed as error:
        raise TaskError(TASK_DONE) from error


def reassign(task: Task, owner: User) -> None:
    """Give an open human task to another person (the review's new drafter)."""
    try:
        with task.activation() as activation:
            if task.status == STATUS.NEW:
                activation.assign(owner)
            elif task.status == STATUS.ASSIGNED:
                activation.reassign(owner)
            else:
                raise TaskError(TASK_DONE)
    except FlowLockFailed as error:
        raise TaskError(TASK_BUSY) from error
