"""Doing a human task from a view: claim if needed, run the domain action, complete the task.

All of it happens under the flow's process lock in one transaction, so a domain error rolls the
task back too, and two people acting on the same task at once cannot both succeed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from viewflow.fsm import TransitionNotAllowed
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from review.models import AuditEvent, AuditVerb, Review, User

# Lazy: shown in the language of the request that reads them (str() them to compare).
TASK_DONE = _("This task is already done – probably just now by someone else.")
TASK_BUSY = _("Someone else is working on this task right now. Please reload the page.")
NOT_YOUR_TASK = _("This task is assigned to another person.")
CANNOT_TAKE = _("You cannot claim this task.")

T = TypeVar("T")


class TaskError(Exception):
    pass


def _stored(text: object) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


def claim(task: Task, user: User) -> None:
    """Übernehmen: take an unassigned task from the team queue."""
    try:
        with task.activation() as activation:
            if task.status != STATUS.NEW:
                raise TaskError(TASK_DONE if task.finished else NOT_YOUR_TASK)
            if not task.flow_task.can_assign(user, task):
                raise TaskError(CANNOT_TAKE)
            activation.assign(user)
            # Read with its paper in one query: the audit entry names the case by its Vorlage.
            review = Review.objects.select_related("paper").get(pk=activation.process.review_id)
            AuditEvent.record(
                AuditVerb.TASK_CLAIMED,
                actor=user,
                obj=review,
                review=review,
                # Stored in the default language, like every other audit detail.
                details={"task": _stored(task.flow_task.task_title)},
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
