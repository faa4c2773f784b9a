"""Reminders and escalation when a human step passes its due date.

Fired by the `.OnTimeout` boundaries of the human steps (non-interrupting: the task stays
where it is). The notification functions deduplicate per task, so a re-run sends nothing twice.
"""

from __future__ import annotations

from django.urls import reverse
from viewflow.workflow.activation import Activation
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from review.models import AuditEvent, AuditVerb, User
from review.notifications import events


def _heads() -> list[User]:
    return list(events.heads())


def recipients(host_owner: User | None, fallback: User | None, *, escalated: bool) -> list[User]:
    """Owner (unclaimed: the drafter, else the Beauftragte); on escalation their deputy."""
    person = host_owner or fallback
    if not escalated:
        return [person] if person is not None else _heads()
    if person is not None and person.deputy is not None:
        return [person.deputy]
    return [head for head in _heads() if person is None or head.pk != person.pk] or _heads()


def remind(activation: Activation, *, escalated: bool) -> None:
    # remind/escalate <- timeout boundary <- the human task it watches
    host = (
        Task.objects.filter(leading__leading=activation.task, flow_task_type="HUMAN")
        .select_related("owner")
        .first()
    )
    if host is None or host.status in (STATUS.DONE, STATUS.CANCELED):
        return
    review = activation.process.review
    title = str(host.flow_task.task_title)
    for person in recipients(host.owner, review.assignee, escalated=escalated):
        events.task_overdue(
            review=review,
            recipient=person,
            task_name=title,
            task_key=str(host.pk),
            escalated=escalated,
            link=reverse("workflows:task", args=[host.pk]),
        )
    AuditEvent.record(
        AuditVerb.TASK_ESCALATED if escalated else AuditVerb.TASK_OVERDUE,
        actor_label="workflow",
        obj=review,
        review=review,
        details={"task": title, "owner": host.owner.get_username() if host.owner else None},
    )
