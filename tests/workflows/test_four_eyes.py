"""Whoever wrote a version of the statement never approves it: service, page, URL, queue."""

from __future__ import annotations

import pytest

from review.models import Review
from review.statements import services as statements
from workflows.flows import ReviewFlow

from .conftest import DRAFT, client_for, open_task, submit_url, task_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def awaiting_approval(office, review):
    """The Beauftragte herself drafted this one (she is also an officer by role)."""
    client_for(office.officer).post(
        task_url(open_task(review, ReviewFlow.triage)), {"decision": "relevant"}
    )
    office.head.groups.add(office.officer.groups.get())
    client_for(office.head).post(
        task_url(open_task(review, ReviewFlow.assign)), {"assignee": office.head.pk}
    )
    draft = open_task(review, ReviewFlow.draft)
    assert client_for(office.head).post(submit_url(draft), DRAFT).status_code == 302
    return open_task(review, ReviewFlow.approve)


def test_the_team_queue_does_not_offer_the_drafter_the_approval(office, awaiting_approval):
    from workflows import queries

    assert [row.task for row in queries.team_queue(office.head)] == []
    assert [row.task for row in queries.team_queue(office.head2)] == [awaiting_approval]


def test_the_service_refuses_the_drafters_approval(office, review, awaiting_approval):
    with pytest.raises(statements.StatementError, match="Vier-Augen-Prinzip"):
        statements.statement_approve(review=review, by=office.head)
    with pytest.raises(statements.StatementError, match="Vier-Augen-Prinzip"):
        statements.statement_send_back(review=review, by=office.head, reason="x")
    review.refresh_from_db()
    assert review.status == Review.Status.APPROVAL


def test_the_page_and_a_direct_post_refuse_the_drafter(office, review, awaiting_approval):
    drafter = client_for(office.head)
    page = drafter.get(task_url(awaiting_approval))
    assert page.status_code == 403
    assert str(statements.APPROVE_OWN_DRAFT) in page.content.decode()
    posted = drafter.post(task_url(awaiting_approval), {"decision": "approve"})
    assert posted.status_code == 403
    claimed = drafter.post(f"/aufgaben/{awaiting_approval.pk}/uebernehmen/")
    assert claimed.status_code == 403
    review.refresh_from_db()
    awaiting_approval.refresh_from_db()
    assert review.status == Review.Status.APPROVAL and awaiting_approval.owner is None


def test_a_drafter_assigned_the_approval_by_hand_still_cannot_do_it(
    office, review, awaiting_approval
):
    from workflows import runner

    runner.reassign(awaiting_approval, office.head)
    assert (
        client_for(office.head)
        .post(task_url(awaiting_approval), {"decision": "approve"})
        .status_code
        == 403
    )
    with pytest.raises(runner.TaskError):
        runner.complete(
            awaiting_approval,
            office.head,
            None,  # type: ignore[arg-type]
            lambda: statements.statement_approve(review=review, by=office.head),
        )


def test_another_beauftragte_approves(office, review, awaiting_approval):
    assert (
        client_for(office.head2)
        .post(task_url(awaiting_approval), {"decision": "approve"})
        .status_code
        == 302
    )
    review.refresh_from_db()
    assert review.status == Review.Status.APPROVED
