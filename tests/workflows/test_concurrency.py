"""Two Beauftragte approve the same statement at the same moment: exactly one succeeds."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from review.models import AuditEvent, Review
from tests import factories as f
from tests.conftest import requires_postgres
from workflows.flows import ReviewFlow, start_for_review

from .conftest import DRAFT, client_for, open_task, submit_url, task_url

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), requires_postgres]


def test_two_simultaneous_approvals_one_wins_the_other_is_told():
    officer, head, head2 = f.officer(), f.head(), f.head(username="vize")
    review = f.make_review(deadline=f.in_days(30))
    start_for_review(review)
    client_for(officer).post(
        task_url(open_task(review, ReviewFlow.triage)), {"decision": "relevant"}
    )
    client_for(head).post(task_url(open_task(review, ReviewFlow.assign)), {"assignee": officer.pk})
    client_for(officer).post(submit_url(open_task(review, ReviewFlow.draft)), DRAFT)
    approve = open_task(review, ReviewFlow.approve)

    barrier = threading.Barrier(2)
    results: dict[str, tuple[int, str]] = {}

    def approve_as(name: str, user: object) -> None:
        client = client_for(user)  # type: ignore[arg-type]
        barrier.wait()
        try:
            response = client.post(task_url(approve), {"decision": "approve"}, follow=True)
            results[name] = (
                response.redirect_chain[0][1] if response.redirect_chain else response.status_code,
                response.content.decode(),
            )
        finally:
            connection.close()

    threads = [
        threading.Thread(target=approve_as, args=("head", head)),
        threading.Thread(target=approve_as, args=("head2", head2)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    review.refresh_from_db()
    assert review.status == Review.Status.APPROVED
    assert AuditEvent.objects.filter(review=review, verb="statement.approved").count() == 1
    texts = [body for _, body in results.values()]
    winners = [t for t in texts if "Freigegeben; die Dokumente werden erzeugt." in t]
    losers = [
        t
        for t in texts
        if "bereits erledigt" in t
        or "gerade von jemand anderem bearbeitet" in t
        or "nicht (mehr) zur Schlusszeichnung" in t
    ]
    assert len(winners) == 1 and len(losers) == 1, results
