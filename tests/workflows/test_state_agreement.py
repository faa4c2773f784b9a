"""Review.status and the flow tell the same place at every step of every path
(workflows.flows.status_and_flow_agree; docs/state-model.md)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from review.models import Contribution, Review
from tests import factories as f
from workflows import documents, participation
from workflows.flows import ReviewFlow, expected_steps, open_steps, status_and_flow_agree

from .conftest import DRAFT, client_for, open_task, participation_url, submit_url, task_url

pytestmark = pytest.mark.django_db


def _agree(review: Review, status: str) -> None:
    review.refresh_from_db()
    assert review.status == status
    assert status_and_flow_agree(review), (review.status, set(open_steps(review)))


@pytest.fixture(autouse=True)
def no_rendering(monkeypatch):
    """Documents are asked for but not rendered here (tests/review/documents render them)."""
    monkeypatch.setattr(
        documents.document_services, "request_documents", lambda *, review, by: None
    )


def _fake_dispatch(monkeypatch) -> None:
    def dispatched(*, review: Review, by: object) -> list[object]:
        review = Review.objects.get(pk=review.pk)
        review.move_to(Review.Status.DISPATCHED)
        review.dispatch_outcome = Review.DispatchOutcome.STARTED
        review.save()
        return []

    monkeypatch.setattr(documents.dispatch_services, "dispatch_statement", dispatched)


def _triage_and_assign(office, review) -> None:
    officer, head = client_for(office.officer), client_for(office.head)
    _agree(review, Review.Status.NEW)
    assert open_steps(review) == {"triage"}
    officer.post(task_url(open_task(review, ReviewFlow.triage)), {"decision": "relevant"})
    _agree(review, Review.Status.AWAITING_ASSIGNMENT)
    assert open_steps(review) == {"assign"}
    head.post(task_url(open_task(review, ReviewFlow.assign)), {"assignee": office.officer.pk})
    _agree(review, Review.Status.ASSIGNED)


def _approve(office, review, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        done = client_for(office.head).post(
            task_url(open_task(review, ReviewFlow.approve)), {"decision": "approve"}
        )
    assert done.status_code == 302


def _record_outcome(office, review) -> None:
    done = client_for(office.officer).post(
        task_url(open_task(review, ReviewFlow.outcome)),
        {"decision_result": "beschlossen", "decision_text": "", "outcome": "followed"},
    )
    assert done.status_code == 302
    _agree(review, Review.Status.CLOSED)


def test_not_affected(office, review):
    _agree(review, Review.Status.NEW)
    client_for(office.officer).post(
        task_url(open_task(review, ReviewFlow.triage)),
        {"decision": "not_affected", "reason": "Kein Bezug zu Zugewanderten."},
    )
    _agree(review, Review.Status.NOT_AFFECTED)
    assert open_steps(review) == set()


def test_straight_to_approval_documents_dispatch_and_outcome(
    office, review, monkeypatch, django_capture_on_commit_callbacks
):
    _fake_dispatch(monkeypatch)
    _triage_and_assign(office, review)
    draft = open_task(review, ReviewFlow.draft)
    officer = client_for(office.officer)
    officer.post(f"/aufgaben/{draft.pk}/zwischenspeichern/", DRAFT, HTTP_HX_REQUEST="true")
    _agree(review, Review.Status.DRAFTING)
    officer.post(f"/aufgaben/{draft.pk}/zur-schlusszeichnung/", DRAFT)
    _agree(review, Review.Status.APPROVAL)
    _approve(office, review, django_capture_on_commit_callbacks)
    _agree(review, Review.Status.APPROVED)
    assert open_steps(review) == {"await_documents"}
    assert documents.finished(review.pk) is True
    _agree(review, Review.Status.DISPATCHED)
    assert open_steps(review) == {"outcome"}
    _record_outcome(office, review)


def test_participation_send_back_and_a_failed_dispatch(
    office, review, django_capture_on_commit_callbacks
):
    colleague = f.officer(username="kollege")
    _triage_and_assign(office, review)
    officer = client_for(office.officer)
    with django_capture_on_commit_callbacks(execute=True):
        officer.post(
            f"/aufgaben/{open_task(review, ReviewFlow.draft).pk}/beteiligung-starten/",
            {
                **DRAFT,
                "share_with_beirat": "on",
                "contributors": [colleague.pk],
                "kind": "co_signature",
                "due_date": f.in_days(20).isoformat(),
            },
        )
    _agree(review, Review.Status.PARTICIPATION)
    assert open_steps(review) == {"await_beirat", "await_contributions"}
    asked = Contribution.objects.get(review=review, contributor=colleague)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(colleague).post(f"/beteiligungen/{asked.pk}/", {"agree": "1", "text": "Ja."})
    _agree(review, Review.Status.PARTICIPATION)
    assert open_steps(review) == {"await_beirat"}
    with django_capture_on_commit_callbacks(execute=True):
        officer.post(
            f"/vorgaenge/{review.pk}/beirat-votum/",
            {"vote": "approve", "text": "Zustimmung.", "meeting_date": ""},
        )
    _agree(review, Review.Status.APPROVAL)

    client_for(office.head).post(
        task_url(open_task(review, ReviewFlow.approve)),
        {"decision": "send_back", "reason": "Quelle ergänzen."},
    )
    _agree(review, Review.Status.DRAFTING)
    officer.post(
        submit_url(open_task(review, ReviewFlow.draft)),
        {**DRAFT, "facts": "Mit Quelle."},
    )
    _agree(review, Review.Status.APPROVAL)
    _approve(office, review, django_capture_on_commit_callbacks)
    _agree(review, Review.Status.APPROVED)
    # The real dispatch finds no finished documents: the step fails, the flow goes on.
    assert documents.finished(review.pk) is True
    _agree(review, Review.Status.APPROVED)
    assert review.dispatch_outcome == Review.DispatchOutcome.FAILED
    assert open_steps(review) == {"outcome"}
    _record_outcome(office, review)


def test_a_participation_whose_due_date_passed_moves_on(office, review):
    colleague = f.officer(username="kollege")
    _triage_and_assign(office, review)
    client_for(office.officer).post(
        participation_url(open_task(review, ReviewFlow.draft)),
        {
            **DRAFT,
            "contributors": [colleague.pk],
            "kind": "contribution",
            "due_date": f.in_days(2).isoformat(),
        },
    )
    _agree(review, Review.Status.PARTICIPATION)
    assert expected_steps(review) == {"await_contributions"}
    assert participation.settle_due(today=timezone.localdate() + timedelta(days=3)) == 1
    _agree(review, Review.Status.APPROVAL)
    assert Contribution.objects.get(review=review).status == Contribution.Status.EXPIRED


def test_reassigning_the_draft_keeps_both_at_drafting(office, review):
    _triage_and_assign(office, review)
    draft = open_task(review, ReviewFlow.draft)
    done = client_for(office.head).post(
        f"/aufgaben/{draft.pk}/neu-zuweisen/", {"assignee": office.officer2.pk}
    )
    assert done.status_code == 302
    _agree(review, Review.Status.ASSIGNED)
    assert open_task(review, ReviewFlow.draft).owner == office.officer2
