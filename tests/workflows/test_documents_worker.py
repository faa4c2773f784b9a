"""The document step with a real Celery worker on Redis: approve, documents, dispatch, outcome."""

from __future__ import annotations

import time

import pytest

from review.models import Review
from tests import factories as f
from tests.conftest import requires_worker
from workflows.flows import ReviewFlow, start_for_review

from .conftest import DRAFT, client_for, open_nodes, open_task, submit_url, task_url

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    requires_worker,
]


def test_the_worker_completes_the_document_step_and_the_flow_moves_to_the_outcome(celery_worker):
    officer, head = f.officer(), f.head()
    organization = f.make_organization()
    f.clerk(username="sitzungsdienst").organizations.add(organization)
    review = f.make_review(deadline=f.in_days(30))
    f.make_consultation(review.paper, f.make_meeting(organization), organization=organization)
    start_for_review(review)
    client_for(officer).post(
        task_url(open_task(review, ReviewFlow.triage)), {"decision": "relevant"}
    )
    client_for(head).post(task_url(open_task(review, ReviewFlow.assign)), {"assignee": officer.pk})
    client_for(officer).post(submit_url(open_task(review, ReviewFlow.draft)), DRAFT)
    assert (
        client_for(head)
        .post(task_url(open_task(review, ReviewFlow.approve)), {"decision": "approve"})
        .status_code
        == 302
    )

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and open_nodes(review) != {"outcome"}:
        time.sleep(0.5)
    assert open_nodes(review) == {"outcome"}
    review.refresh_from_db()
    assert review.status in (Review.Status.DISPATCHED, Review.Status.APPROVED)
