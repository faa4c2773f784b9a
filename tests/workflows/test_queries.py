"""The task lists cost the same number of queries for 2 rows as for 12."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from workflows import queries
from workflows.flows import ReviewFlow, start_for_review

from .conftest import client_for, open_task, task_url

pytestmark = pytest.mark.django_db


def _reviews_in_triage(n: int) -> list:
    reviews = []
    for _ in range(n):
        review = f.make_review(deadline=f.in_days(30))
        start_for_review(review)
        reviews.append(review)
    return reviews


def _queries(client, url: str) -> int:
    client.get(url)  # the first request compiles templates and loads the catalogues
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_team_queue_queries_do_not_grow_with_rows(office):
    client = client_for(office.officer)
    _reviews_in_triage(2)
    few = _queries(client, "/aufgaben/team/")
    _reviews_in_triage(10)
    assert len(queries.team_queue(office.officer)) == 12
    assert _queries(client, "/aufgaben/team/") == few


def test_inbox_queries_do_not_grow_with_rows(office):
    client = client_for(office.officer)
    for review in _reviews_in_triage(2):
        client.post(f"/aufgaben/{open_task(review, ReviewFlow.triage).pk}/uebernehmen/")
    few = _queries(client, "/aufgaben/")
    for review in _reviews_in_triage(10):
        client.post(f"/aufgaben/{open_task(review, ReviewFlow.triage).pk}/uebernehmen/")
    assert len(queries.inbox(office.officer)) == 12
    assert _queries(client, "/aufgaben/") == few


def test_an_inbox_row_shows_its_case_as_the_orm_reads_it(office):
    """The inbox reads its rows as columns (a statement compiled once per process): the row
    must carry the same case, paper, owner and due date as the task lists read by the ORM."""
    deputy = office.officer2
    office.officer.deputy = deputy
    office.officer.absent_from = f.in_days(-1)
    office.officer.save()
    [review] = _reviews_in_triage(1)
    review.beirat_deadline, review.shared_with_beirat = f.in_days(12), True
    review.save()
    triage = open_task(review, ReviewFlow.triage)
    client_for(office.officer).post(f"/aufgaben/{triage.pk}/uebernehmen/")

    [row] = queries.inbox(deputy)
    [expected] = queries.rows(queries.inbox_tasks(deputy), deputy)
    assert row.task == expected.task == triage
    assert (row.review.pk, row.review.deadline, row.review.beirat_deadline) == (
        review.pk,
        review.deadline,
        review.beirat_deadline,
    )
    assert row.review.shared_with_beirat is True
    assert row.review.paper_id == row.review.paper.pk == review.paper_id
    assert (row.review.paper.reference, row.review.paper.name) == (
        review.paper.reference,
        review.paper.name,
    )
    assert row.acting_for == office.officer and str(row.acting_for) == str(office.officer)
    assert (row.due, row.urgency, row.title) == (expected.due, expected.urgency, expected.title)


def test_open_tasks_for_review_lists_the_waiting_steps(office, review):
    [triage] = queries.open_tasks_for_review(review)
    assert triage.flow_task is ReviewFlow.triage
    assert queries.link_for(triage) == task_url(triage)
    client_for(office.officer).post(
        task_url(open_task(review, ReviewFlow.triage)), {"decision": "relevant"}
    )
    assert [t.flow_task for t in queries.open_tasks_for_review(review)] == [ReviewFlow.assign]


def test_a_claim_and_a_triage_decision_stay_within_their_statements(
    office, django_assert_max_num_queries
):
    client = client_for(office.officer)
    review, warm_up = _reviews_in_triage(2)
    client.post(f"/aufgaben/{open_task(warm_up, ReviewFlow.triage).pk}/uebernehmen/")
    task = open_task(review, ReviewFlow.triage)
    with django_assert_max_num_queries(15):
        assert client.post(f"/aufgaben/{task.pk}/uebernehmen/").status_code == 302
    # Most of them are viewflow's: the triage task and its two timers closed, the gateway, the
    # assignment task and its two timers opened. Ours: the case locked and saved, its search
    # entry's status (not the whole entry), the audit event, the case read for the gateway and
    # each timer's due date (docs/performance.md, "Fifth pass").
    with django_assert_max_num_queries(49):
        response = client.post(task_url(task), {"decision": "relevant", "reason": "Betrifft uns."})
    assert response.status_code == 302
    assert [t.flow_task for t in queries.open_tasks_for_review(review)] == [ReviewFlow.assign]
