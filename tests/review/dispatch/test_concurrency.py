"""Two workers picking up the same dispatch at the same moment: one mail, on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.db import connection

from review.dispatch import services
from review.models import AuditEvent, Dispatch
from tests import factories as f
from tests.conftest import requires_postgres

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]


def test_two_simultaneous_deliveries_send_one_mail() -> None:
    committee = f.make_organization("Ausschuss für Soziales")
    clerk = f.make_user("clerk-without-group")
    clerk.organizations.add(committee)
    review = f.make_released_review(committee=committee)
    dispatch = f.make_dispatch(review, clerk, status=Dispatch.Status.PENDING, sent_at=None)

    start = threading.Barrier(4)
    results: list[bool] = []

    def deliver() -> None:
        try:
            start.wait()
            results.append(services.deliver_dispatch(dispatch_id=dispatch.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results) == [False, False, False, True]
    assert len(mail.outbox) == 1
    dispatch.refresh_from_db()
    assert dispatch.status == Dispatch.Status.SENT and dispatch.attempts == 1
    assert AuditEvent.objects.filter(verb="dispatch.sent").count() == 1
