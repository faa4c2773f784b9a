"""The "Beschluss erfassen" task goes to the officer in charge, prefilled from the imported
decision (#15.4)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from viewflow.workflow.status import STATUS

from review.documents.tasks import generate_document
from review.models import AgendaItem, Document, Review
from tests import factories as f
from workflows import queries
from workflows.flows import ReviewFlow, start_for_review

from .conftest import DRAFT, client_for, open_nodes, open_task, submit_url, task_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispatched(office, django_capture_on_commit_callbacks) -> Review:
    review = f.make_review(f.make_paper("Sprachkurse", reference="V20/26"))
    Review.objects.filter(pk=review.pk).update(deadline=f.in_days(30))
    start_for_review(review)
    officer, head = client_for(office.officer2), client_for(office.head)
    officer.post(task_url(open_task(review, ReviewFlow.triage)), {"decision": "relevant"})
    head.post(
        f"/zuweisung/{open_task(review, ReviewFlow.assign).pk}/", {"assignee": office.officer2.pk}
    )
    officer.post(submit_url(open_task(review, ReviewFlow.draft)), DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        head.post(f"/aufgaben/{open_task(review, ReviewFlow.approve).pk}/freigeben/")
    if open_nodes(review) == {"await_documents"}:  # a broker configured: render as the worker
        with django_capture_on_commit_callbacks(execute=True):
            for document in Document.objects.filter(review=review):
                generate_document(document.pk)
    assert open_nodes(review) == {"outcome"}
    return review


def test_the_outcome_task_goes_to_the_officer_in_charge(office, dispatched):
    task = open_task(dispatched, ReviewFlow.outcome)
    assert task.owner == office.officer2 and task.status == STATUS.ASSIGNED
    mine = [row.task.pk for row in queries.inbox(office.officer2)]
    assert task.pk in mine
    # Not in the team queue, and nobody else's to take or do.
    assert task.pk not in [row.task.pk for row in queries.team_queue(office.officer)]
    assert client_for(office.officer).get(task_url(task)).status_code == 403
    assert client_for(office.officer2).get(task_url(task)).status_code == 200


def test_the_deputy_of_an_absent_officer_records_the_decision(office, dispatched):
    office.officer2.absent_until = f.in_days(7)
    office.officer2.deputy = office.officer
    office.officer2.save()
    task = open_task(dispatched, ReviewFlow.outcome)
    assert task.pk in [row.task.pk for row in queries.inbox(office.officer)]
    assert client_for(office.officer).get(task_url(task)).status_code == 200


def _decided(review: Review, result: str, text: str, *, days_ago: int, authoritative: bool):
    meeting = f.make_meeting(start=timezone.now() - timedelta(days=days_ago))
    item = AgendaItem.objects.create(meeting=meeting, result=result, resolution_text=text)
    f.make_consultation(review.paper, meeting, agenda_item=item, authoritative=authoritative)


def test_the_form_is_prefilled_from_the_papers_imported_decision(office, dispatched):
    # The sync brought the result on the paper's consultations (the case had none copied yet):
    # the deciding committee's result wins over a later advisory one.
    _decided(dispatched, "vertagt", "", days_ago=20, authoritative=False)
    _decided(
        dispatched,
        "mit Änderungen beschlossen",
        "Kurse mit Kinderbetreuung.",
        days_ago=10,
        authoritative=True,
    )
    _decided(dispatched, "zur Kenntnis genommen", "", days_ago=2, authoritative=False)
    task = open_task(dispatched, ReviewFlow.outcome)

    page = client_for(office.officer2).get(task_url(task)).content.decode()

    assert 'name="decision_result" value="mit Änderungen beschlossen"' in page
    assert "Kurse mit Kinderbetreuung.</textarea>" in page
    # Recommended "approve with changes", decided with changes: followed.
    assert re.search(r'<input[^>]*value="followed"[^>]*checked', page)
    assert "wurde aus dem Ratsinformationssystem übernommen" in page


def test_the_cases_own_imported_decision_comes_first(office, dispatched):
    _decided(dispatched, "abgelehnt", "", days_ago=10, authoritative=True)
    Review.objects.filter(pk=dispatched.pk).update(decision_result="beschlossen")
    page = client_for(office.officer2).get(task_url(open_task(dispatched, ReviewFlow.outcome)))
    assert 'name="decision_result" value="beschlossen"' in page.content.decode()


def test_without_an_imported_decision_the_form_is_empty(office, dispatched):
    page = client_for(office.officer2).get(task_url(open_task(dispatched, ReviewFlow.outcome)))
    html = page.content.decode()
    assert 'name="decision_result" value=' not in html.split('data-testid="outcome-form"')[1]
    assert "Noch kein Beschluss importiert" in html
