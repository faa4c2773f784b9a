"""The drafting page: saving on the page, submitting and starting the participation each at
their own URL, which the page's buttons post to."""

from __future__ import annotations

import pytest

from review.models import Review, StatementVersion
from tests import factories as f
from workflows.flows import ReviewFlow

from ..conftest import DRAFT, client_for, open_task, task_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(office, review):
    client_for(office.officer).post(
        task_url(open_task(review, ReviewFlow.triage)), {"decision": "relevant"}
    )
    client_for(office.head).post(
        task_url(open_task(review, ReviewFlow.assign)), {"assignee": office.officer.pk}
    )
    return open_task(review, ReviewFlow.draft)


def test_each_button_posts_to_its_own_url(office, draft):
    html = client_for(office.officer).get(task_url(draft)).content.decode()
    assert f'formaction="/aufgaben/{draft.pk}/zur-schlusszeichnung/"' in html
    assert f'formaction="/aufgaben/{draft.pk}/beteiligung-starten/"' in html


def test_the_page_saves_a_version_and_stays(office, review, draft):
    response = client_for(office.officer).post(task_url(draft), DRAFT)
    assert response["Location"] == task_url(draft)
    assert StatementVersion.objects.get(statement__review=review).facts == DRAFT["facts"]
    review.refresh_from_db()
    assert review.status == Review.Status.DRAFTING


def test_the_page_only_saves_whatever_button_a_stale_page_names(office, review, draft):
    # The page's POST had dispatched on an "action" field; now each action has its own view.
    for stale in ("approval", "consultation"):
        client_for(office.officer).post(task_url(draft), {**DRAFT, "action": stale})
    review.refresh_from_db()
    assert review.status == Review.Status.DRAFTING
    assert open_task(review, ReviewFlow.draft).pk == draft.pk
    assert not review.contributions.exists() and not review.shared_with_beirat


def test_submitting_saves_and_hands_the_draft_to_the_approval(office, review, draft):
    officer = client_for(office.officer)
    response = officer.post(f"/aufgaben/{draft.pk}/zur-schlusszeichnung/", DRAFT, follow=True)
    assert "Zur Schlusszeichnung vorgelegt." in response.content.decode()
    review.refresh_from_db()
    assert review.status == Review.Status.APPROVAL
    assert StatementVersion.objects.get(statement__review=review).author == office.officer
    # A second click after the first finished: back to the inbox with a note, nothing changes.
    again = officer.post(f"/aufgaben/{draft.pk}/zur-schlusszeichnung/", DRAFT, follow=True)
    assert "bereits erledigt" in again.content.decode()
    assert StatementVersion.objects.filter(statement__review=review).count() == 1


def test_submitting_without_a_recommendation_shows_the_page_with_the_error(office, draft):
    empty = {**DRAFT, "recommendation": ""}
    response = client_for(office.officer).post(f"/aufgaben/{draft.pk}/zur-schlusszeichnung/", empty)
    assert response.status_code == 200
    assert 'data-testid="draft-form"' in response.content.decode()
    assert open_task(draft.process.reviewprocess.review, ReviewFlow.draft).pk == draft.pk


def test_starting_the_participation_asks_the_colleague(office, review, draft):
    colleague = f.officer(username="kollege")
    response = client_for(office.officer).post(
        f"/aufgaben/{draft.pk}/beteiligung-starten/",
        {**DRAFT, "contributors": [colleague.pk], "kind": "co_signature"},
        follow=True,
    )
    assert "Beteiligung gestartet" in response.content.decode()
    review.refresh_from_db()
    assert review.status == Review.Status.PARTICIPATION
    assert list(review.contributions.values_list("contributor__username", "kind")) == [
        ("kollege", "co_signature")
    ]


def test_starting_a_participation_with_nobody_asked_keeps_the_draft_open(office, review, draft):
    response = client_for(office.officer).post(f"/aufgaben/{draft.pk}/beteiligung-starten/", DRAFT)
    assert response.status_code == 200
    assert "Bitte geben Sie den Vorgang für den Beirat frei" in response.content.decode()
    review.refresh_from_db()
    assert review.status == Review.Status.ASSIGNED
