"""Deputies act for absent people; the Beauftragte reassigns a draft."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from review.models import AuditEvent, Review
from workflows import queries
from workflows.flows import ReviewFlow

from .conftest import DRAFT, client_for, open_task, submit_url, task_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def drafting(office, review):
    client_for(office.officer).post(
        task_url(open_task(review, ReviewFlow.triage)), {"decision": "relevant"}
    )
    client_for(office.head).post(
        task_url(open_task(review, ReviewFlow.assign)), {"assignee": office.officer.pk}
    )
    return open_task(review, ReviewFlow.draft)


def test_the_deputy_sees_and_does_the_absent_persons_task(
    office, review, drafting, django_assert_num_queries
):
    deputy = office.officer2
    stranger = client_for(deputy)
    assert stranger.get(task_url(drafting)).status_code == 403

    today = timezone.localdate()
    office.officer.deputy = deputy
    office.officer.absent_from = today - timedelta(days=1)
    office.officer.absent_until = today + timedelta(days=7)
    office.officer.save()

    [row] = queries.inbox(deputy)
    assert row.task == drafting and row.acting_for == office.officer
    # The row reads only the columns it shows; what it shows needs no statement of its own.
    with django_assert_num_queries(0):
        assert str(row.acting_for) == "Anna Muster" and row.review.paper.reference
        assert row.title and row.due and row.review.paper.name
    assert "in Vertretung für Anna Muster" in stranger.get("/aufgaben/").content.decode()
    assert stranger.get(task_url(drafting)).status_code == 200
    assert stranger.post(submit_url(drafting), DRAFT).status_code == 302
    review.refresh_from_db()
    assert review.status == Review.Status.APPROVAL
    assert review.statement.current_version.author == deputy


def test_the_deputy_of_someone_present_does_not_act_for_them(office, review, drafting):
    office.officer.deputy = office.officer2
    office.officer.save()
    assert queries.inbox(office.officer2) == []
    assert client_for(office.officer2).get(task_url(drafting)).status_code == 403


def test_the_beauftragte_reassigns_an_open_draft(office, review, drafting):
    page = client_for(office.head).get(f"/aufgaben/{drafting.pk}/neu-zuweisen/")
    assert page.status_code == 200
    assert (
        client_for(office.officer).get(f"/aufgaben/{drafting.pk}/neu-zuweisen/").status_code == 403
    )
    done = client_for(office.head).post(
        f"/aufgaben/{drafting.pk}/neu-zuweisen/", {"assignee": office.officer2.pk}
    )
    assert done.status_code == 302
    drafting.refresh_from_db()
    review.refresh_from_db()
    assert drafting.owner == office.officer2 and review.assignee == office.officer2
    assert [r.task for r in queries.inbox(office.officer2)] == [drafting]
    assert queries.inbox(office.officer) == []
    event = AuditEvent.objects.filter(review=review, verb="review.reassigned").get()
    assert event.details == {"assignee": "bert", "previous": "anna"}
