"""The Schlusszeichnung shows up in the Beauftragte's "Meine Aufgaben", never the drafter's."""

from __future__ import annotations

import pytest

from review.models import Notification, NotificationKind
from workflows import queries
from workflows.flows import ReviewFlow

from .conftest import DRAFT, client_for, open_task, submit_url, task_url

pytestmark = pytest.mark.django_db


def submit(office, review, drafter, django_capture_on_commit_callbacks):
    client_for(office.officer).post(
        task_url(open_task(review, ReviewFlow.triage)), {"decision": "relevant"}
    )
    client_for(office.head).post(
        task_url(open_task(review, ReviewFlow.assign)), {"assignee": drafter.pk}
    )
    with django_capture_on_commit_callbacks(execute=True):
        done = client_for(drafter).post(submit_url(open_task(review, ReviewFlow.draft)), DRAFT)
    assert done.status_code == 302
    return open_task(review, ReviewFlow.approve)


def approval_notices(user):
    return Notification.objects.filter(
        recipient=user, kind=NotificationKind.TASK_ASSIGNED, dedupe_key__contains=":approve:"
    )


def test_every_beauftragte_finds_the_approval_in_her_inbox_and_is_told_once(
    office, review, django_capture_on_commit_callbacks
):
    approve = submit(office, review, office.officer, django_capture_on_commit_callbacks)
    for head in (office.head, office.head2):
        assert [row.task for row in queries.inbox(head)] == [approve]
        assert approval_notices(head).count() == 1
    page = client_for(office.head).get("/aufgaben/").content.decode()
    assert "Schlusszeichnung" in page and review.paper.reference in page
    assert queries.inbox(office.officer) == []
    assert approval_notices(office.officer).count() == 0


def test_the_drafting_beauftragte_neither_sees_nor_is_told_of_the_approval(
    office, review, django_capture_on_commit_callbacks
):
    office.head.groups.add(office.officer.groups.get())
    approve = submit(office, review, office.head, django_capture_on_commit_callbacks)
    assert queries.inbox(office.head) == []
    assert approval_notices(office.head).count() == 0
    assert [row.task for row in queries.inbox(office.head2)] == [approve]
    assert approval_notices(office.head2).count() == 1


def test_the_approver_acts_from_the_inbox_without_taking_the_task_first(
    office, review, django_capture_on_commit_callbacks
):
    approve = submit(office, review, office.officer, django_capture_on_commit_callbacks)
    done = client_for(office.head2).post(task_url(approve), {"decision": "approve"})
    assert done.status_code == 302
    review.refresh_from_db()
    assert review.status == "approved"
    assert queries.inbox(office.head) == []
