"""A drafter whose statement was sent back is told so and sees why on the drafting page."""

from __future__ import annotations

import pytest

from review.models import Notification, NotificationKind
from workflows.flows import ReviewFlow

from .conftest import DRAFT, client_for, open_task, submit_url, task_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_back(office, review, django_capture_on_commit_callbacks):
    client_for(office.officer).post(
        task_url(open_task(review, ReviewFlow.triage)), {"decision": "relevant"}
    )
    client_for(office.head).post(
        task_url(open_task(review, ReviewFlow.assign)), {"assignee": office.officer.pk}
    )
    client_for(office.officer).post(submit_url(open_task(review, ReviewFlow.draft)), DRAFT)
    approve = open_task(review, ReviewFlow.approve)
    with django_capture_on_commit_callbacks(execute=True):
        done = client_for(office.head2).post(
            task_url(approve), {"decision": "send_back", "reason": "Bitte Quelle ergänzen."}
        )
    assert done.status_code == 302
    return open_task(review, ReviewFlow.draft)


def test_the_drafting_page_shows_the_send_back_reason(office, sent_back):
    html = client_for(office.officer).get(task_url(sent_back)).content.decode()
    alert = html.split('data-testid="sent-back-reason"', 1)[1].split("</div></div>", 1)[0]
    assert "Zur Überarbeitung zurückgegeben" in alert
    assert "Bitte Quelle ergänzen." in alert


def test_the_drafter_is_notified_once_per_send_back(office, review, sent_back):
    told = Notification.objects.filter(
        recipient=office.officer,
        kind=NotificationKind.TASK_ASSIGNED,
        dedupe_key__contains=":sent_back:",
    )
    assert told.count() == 1
    assert told.get().review == review


def test_a_first_draft_shows_no_send_back(office, review):
    client_for(office.officer).post(
        task_url(open_task(review, ReviewFlow.triage)), {"decision": "relevant"}
    )
    client_for(office.head).post(
        task_url(open_task(review, ReviewFlow.assign)), {"assignee": office.officer.pk}
    )
    html = client_for(office.officer).get(task_url(open_task(review, ReviewFlow.draft)))
    assert 'data-testid="sent-back-reason"' not in html.content.decode()
