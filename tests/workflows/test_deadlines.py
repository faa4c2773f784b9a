"""Due dates per step, reminders to the owner and escalation to the deputy by moving time."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from review.models import AuditEvent, Notification, NotificationKind
from tests import factories as f
from workflows import deadlines, queries
from workflows.flows import ReviewFlow
from workflows.tasks import fire_timers

from .conftest import client_for, open_task, task_url

pytestmark = pytest.mark.django_db


def test_each_step_is_due_a_fixed_time_before_the_reviews_deadline(review):
    created = timezone.now()
    assert deadlines.step_due_date("triage", review, created) == review.deadline - timedelta(
        days=14
    )
    assert deadlines.step_due_date("approve", review, created) == review.deadline - timedelta(
        days=2
    )
    review.deadline = None
    assert deadlines.step_due_date("draft", review, created) == timezone.localdate() + timedelta(
        days=10
    )
    assert deadlines.step_due_date("await_beirat", review, created) is None


def test_a_short_deadline_makes_the_step_due_today_and_marks_it(office):
    review = f.make_review(deadline=f.in_days(3))
    from workflows.flows import start_for_review

    start_for_review(review)
    [row] = queries.team_queue(office.officer)
    assert row.due == timezone.localdate()
    assert row.urgency == "due_soon"
    page = client_for(office.officer).get("/aufgaben/team/").content.decode()
    assert 'data-testid="badge-due-soon"' in page


def test_an_overdue_task_reminds_its_owner_then_escalates_to_the_deputy(office, review):
    deputy = office.officer2
    office.officer.deputy = deputy
    office.officer.save()
    triage = open_task(review, ReviewFlow.triage)
    client_for(office.officer).post(f"/aufgaben/{triage.pk}/uebernehmen/")
    timers = Task.objects.filter(
        process__reviewprocess__review=review, flow_task_type="TIMER", status=STATUS.SCHEDULED
    )
    assert timers.count() == 2
    due = deadlines.step_due_date("triage", review, triage.created)
    assert due is not None

    with time_machine.travel(deadlines.end_of_day(due) - timedelta(hours=1), tick=False):
        assert fire_timers() == {"timers": 0, "participations": 0, "started": 0, "documents": 0}

    with time_machine.travel(deadlines.end_of_day(due) + timedelta(hours=1), tick=False):
        assert fire_timers()["timers"] == 1
        assert fire_timers()["timers"] == 0  # fired once
        [row] = queries.inbox(office.officer)
        assert row.urgency == "overdue"
        assert (
            'data-testid="badge-overdue"'
            in client_for(office.officer).get("/aufgaben/").content.decode()
        )
    reminder = Notification.objects.get(kind=NotificationKind.OVERDUE)
    assert reminder.recipient == office.officer

    with time_machine.travel(
        deadlines.end_of_day(due) + timedelta(days=deadlines.escalation_grace_days(), hours=1),
        tick=False,
    ):
        assert fire_timers()["timers"] == 1
    escalation = (
        Notification.objects.filter(kind=NotificationKind.OVERDUE).exclude(pk=reminder.pk).get()
    )
    assert escalation.recipient == deputy
    assert list(
        AuditEvent.objects.filter(review=review, verb__startswith="task.").values_list(
            "verb", flat=True
        )
    ) == ["task.claimed", "task.overdue", "task.escalated"]
    # The task itself stays with its owner; the reminder branch does not end the process.
    triage.refresh_from_db()
    assert triage.status == STATUS.ASSIGNED
    assert review.process.status != "DONE"


def test_finishing_a_step_in_time_cancels_its_reminders(office, review):
    triage = open_task(review, ReviewFlow.triage)
    client_for(office.officer).post(task_url(triage), {"decision": "relevant"})
    assert not Task.objects.filter(
        process__reviewprocess__review=review,
        flow_task=ReviewFlow.triage__timeout,
        status=STATUS.SCHEDULED,
    ).exists()
    with time_machine.travel(timezone.now() + timedelta(days=40), tick=False):
        fire_timers()
    assert not Notification.objects.filter(
        kind=NotificationKind.OVERDUE, recipient=office.officer
    ).exists()
