"""The flow's bridge to the documents and dispatch services, replaced by recorders here."""

from __future__ import annotations

import pytest

from review.documents.services import active_template, ensure_default_templates
from review.models import AuditEvent, Document, Review
from workflows import documents
from workflows.flows import ReviewFlow

from .conftest import DRAFT, client_for, open_nodes, open_task, submit_url, task_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls(monkeypatch):
    made: list[tuple[str, int, str]] = []
    monkeypatch.setattr(
        documents.document_services,
        "request_documents",
        lambda *, review, by: made.append(("documents", review.pk, by.username)),
    )
    monkeypatch.setattr(
        documents.dispatch_services,
        "dispatch_statement",
        lambda *, review, by: made.append(("dispatch", review.pk, by.username)),
    )
    return made


def _approve(office, review):
    client_for(office.officer).post(
        task_url(open_task(review, ReviewFlow.triage)), {"decision": "relevant"}
    )
    client_for(office.head).post(
        task_url(open_task(review, ReviewFlow.assign)), {"assignee": office.officer.pk}
    )
    client_for(office.officer).post(submit_url(open_task(review, ReviewFlow.draft)), DRAFT)
    return client_for(office.head).post(
        task_url(open_task(review, ReviewFlow.approve)), {"decision": "approve"}
    )


def test_approval_requests_documents_and_ready_documents_are_dispatched(office, review, calls):
    assert _approve(office, review).status_code == 302
    assert calls == [("documents", review.pk, "chefin")]
    assert open_nodes(review) == {"await_documents"}
    assert documents.finished(review.pk) is True
    assert calls[-1] == ("dispatch", review.pk, "chefin")
    assert open_nodes(review) == {"outcome"}


def test_a_failing_document_request_keeps_the_approval_and_can_be_repeated(
    office, review, calls, monkeypatch
):
    def broken(*, review, by):
        raise RuntimeError("keine Vorlage hinterlegt")

    monkeypatch.setattr(documents.document_services, "request_documents", broken)
    assert _approve(office, review).status_code == 302
    review.refresh_from_db()
    assert review.status == Review.Status.APPROVED
    assert open_nodes(review) == {"await_documents"}
    event = AuditEvent.objects.get(review=review, verb="documents.request_failed")
    assert event.details == {"error": "keine Vorlage hinterlegt"}

    monkeypatch.setattr(
        documents.document_services,
        "request_documents",
        lambda *, review, by: calls.append(("documents", review.pk, by.username)),
    )
    page = client_for(office.head).get("/aufgaben/").content.decode()
    assert 'data-testid="without-documents"' in page and "Dokumente anfordern" in page
    client_for(office.head).post(f"/vorgaenge/{review.pk}/dokumente/anfordern/")
    assert calls == [("documents", review.pk, "chefin")]


def test_a_failed_document_of_an_approved_case_is_shown_to_dispatchers(
    office, review, calls, monkeypatch
):
    assert _approve(office, review).status_code == 302
    ensure_default_templates()
    Document.objects.create(
        review=review,
        template=active_template("committee"),
        kind="committee",
        number=1,
        file_stem="Stellungnahme",
        status=Document.Status.FAILED,
        created_by=office.head,
    )
    page = client_for(office.head).get("/aufgaben/").content.decode()
    assert 'data-testid="failed-documents"' in page
    assert f"/vorgaenge/{review.pk}/dokumente/" in page and review.paper.reference in page
    # Once it is generated anew, the alert is gone (its ids are asked for on every visit).
    Document.objects.filter(review=review).update(status=Document.Status.PENDING)
    page = client_for(office.head).get("/aufgaben/").content.decode()
    assert 'data-testid="failed-documents"' not in page
