"""The triage worklist: rows with what the officer needs, decisions in the row (one htmx request
each, audited and completing the flow's triage as the task page does), several at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from review.models import AuditEvent, AuditVerb, Review
from tests import factories as f
from workflows.flows import ReviewFlow, open_steps, start_for_review, status_and_flow_agree
from workflows.runner import claim

from ..conftest import client_for, open_task

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def _new(reference: str, title: str = "Sprachkurse", **fields) -> Review:
    review = f.make_review(f.make_paper(title, reference=reference), **fields)
    start_for_review(review)
    return review


def _triage_events(review: Review) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(review=review, verb=AuditVerb.REVIEW_TRIAGED))


def test_a_row_shows_reasons_band_next_meeting_deadline_and_a_decision_already_taken(office):
    social = f.make_organization("Ausschuss für Soziales")
    review = _new(
        "V10/26",
        "Sprachkurse für Geflüchtete",
        relevance_score=85,
        relevance_reasons=["Stichwort: Geflüchtete"],
        deadline=f.in_days(12),
        decision_result="beschlossen",
    )
    start = timezone.now() + timedelta(days=9)
    f.make_consultation(review.paper, f.make_meeting(social, start=start), organization=social)
    f.make_consultation(review.paper, f.make_meeting(social, start=start - timedelta(days=30)))
    closed = f.make_review(
        f.make_paper("Erledigt", reference="V11/26"), status="closed", closed_at=timezone.now()
    )
    html = client_for(office.officer).get("/sichtung/").content.decode()
    assert "1 Vorlage wartet auf die Sichtung" in html
    assert "V10/26" in html and "Sprachkurse für Geflüchtete" in html
    assert "Beschlussvorlage" in html
    assert "Stichwort: Geflüchtete" in html
    assert "hoch (85)" in html
    assert f"Ausschuss für Soziales<br>{timezone.localtime(start):%d.%m.%Y}" in html
    assert f"{f.in_days(12):%d.%m.%Y}" in html
    assert "Bereits entschieden: beschlossen" in html
    assert closed.paper.reference not in html


def test_affected_in_the_row_is_one_request_that_answers_with_a_fragment(office):
    review = _new("V20/26")
    following = _new("V21/26", "Kitaplätze")
    f.make_file(following.paper, "Beschlussvorlage Kita.pdf", is_main_file=True)
    response = client_for(office.officer).post(
        f"/sichtung/{review.pk}/entscheiden/",
        {"decision": "relevant", "reason": "", "next": following.pk},
        headers=HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="sichtung-' + str(review.pk) + '"' in html and "hx-swap-oob" in html
    assert "Betroffen – Zuweisung offen" in html
    # The next paper's preview comes along in the same answer.
    assert "Vorschau: V21/26" in html and "Beschlussvorlage Kita.pdf" in html
    review.refresh_from_db()
    assert review.status == Review.Status.AWAITING_ASSIGNMENT
    assert review.triaged_by == office.officer
    assert open_steps(review) == {"assign"} and status_and_flow_agree(review)
    [event] = _triage_events(review)
    assert event.details["relevant"] is True and event.actor == office.officer


def test_not_affected_needs_a_reason_and_the_row_says_so(office):
    review = _new("V30/26")
    html = (
        client_for(office.officer)
        .post(f"/sichtung/{review.pk}/entscheiden/", {"decision": "not_affected"}, headers=HTMX)
        .content.decode()
    )
    assert "Bitte geben Sie eine kurze Begründung an." in html
    assert 'data-testid="worklist-error"' in html
    review.refresh_from_db()
    assert review.status == Review.Status.NEW and open_steps(review) == {"triage"}
    assert _triage_events(review) == []


def test_not_affected_with_a_reason_closes_the_case_as_the_task_page_does(office):
    review = _new("V31/26")
    html = (
        client_for(office.officer)
        .post(
            f"/sichtung/{review.pk}/entscheiden/",
            {"decision": "not_affected", "reason": "Kein Bezug zu Zugewanderten."},
            headers=HTMX,
        )
        .content.decode()
    )
    assert "Keine Betroffenheit: Kein Bezug zu Zugewanderten." in html
    review.refresh_from_db()
    assert review.status == Review.Status.NOT_AFFECTED
    assert review.close_reason == "Kein Bezug zu Zugewanderten."
    assert status_and_flow_agree(review)
    [event] = _triage_events(review)
    assert event.details == {"relevant": False, "reason": "Kein Bezug zu Zugewanderten."}


def test_the_head_may_assign_a_named_officer_directly_from_the_row(office):
    review = _new("V40/26")
    client_for(office.head).post(
        f"/sichtung/{review.pk}/entscheiden/",
        {"decision": "relevant", "assignee": office.officer2.pk},
        headers=HTMX,
    )
    review.refresh_from_db()
    assert review.status == Review.Status.ASSIGNED and review.assignee == office.officer2
    assert open_task(review, ReviewFlow.draft).owner == office.officer2
    assert status_and_flow_agree(review)


def test_an_officer_without_the_assignment_right_sends_to_the_assignment(office):
    review = _new("V41/26")
    page = client_for(office.officer).get("/sichtung/").content.decode()
    assert 'name="assignee"' not in page
    client_for(office.officer).post(
        f"/sichtung/{review.pk}/entscheiden/",
        {"decision": "relevant", "assignee": office.officer2.pk},
        headers=HTMX,
    )
    review.refresh_from_db()
    assert review.status == Review.Status.AWAITING_ASSIGNMENT and review.assignee is None


def test_a_triage_claimed_by_a_colleague_is_refused_in_the_row(office):
    review = _new("V50/26")
    claim(open_task(review, ReviewFlow.triage), office.officer2)
    html = (
        client_for(office.officer)
        .post(f"/sichtung/{review.pk}/entscheiden/", {"decision": "relevant"}, headers=HTMX)
        .content.decode()
    )
    assert "Diese Aufgabe ist einer anderen Person zugewiesen." in html
    review.refresh_from_db()
    assert review.status == Review.Status.NEW


def test_a_paper_decided_a_moment_ago_is_not_decided_twice(office):
    review = _new("V51/26")
    client_for(office.officer2).post(
        f"/sichtung/{review.pk}/entscheiden/", {"decision": "relevant"}
    )
    html = (
        client_for(office.officer)
        .post(
            f"/sichtung/{review.pk}/entscheiden/",
            {"decision": "not_affected", "reason": "x"},
            headers=HTMX,
        )
        .content.decode()
    )
    assert "wartet nicht mehr auf die Sichtung" in html
    assert "Betroffen – Zuweisung offen" in html
    assert len(_triage_events(review)) == 1


def test_several_papers_at_once_with_one_reason(office):
    first, second, kept = _new("V60/26"), _new("V61/26"), _new("V62/26")
    response = client_for(office.officer).post(
        "/sichtung/mehrere/",
        {
            "review": [first.pk, second.pk],
            "decision": "not_affected",
            "reason": "Nur Bauleitplanung.",
        },
        headers=HTMX,
    )
    html = response.content.decode()
    assert "2 Vorlagen gesichtet." in html
    assert "V62/26" in html and "V60/26" not in html
    for review in (first, second):
        review.refresh_from_db()
        assert review.status == Review.Status.NOT_AFFECTED
        assert review.close_reason == "Nur Bauleitplanung."
        assert status_and_flow_agree(review)
    kept.refresh_from_db()
    assert kept.status == Review.Status.NEW


def test_without_javascript_a_decision_returns_to_the_list(office):
    review = _new("V70/26")
    response = client_for(office.officer).post(
        f"/sichtung/{review.pk}/entscheiden/", {"decision": "relevant"}
    )
    assert response.status_code == 302 and response["Location"] == "/sichtung/"


def test_filters_and_sorting(office):
    _new("V80/26", relevance_score=90, deadline=f.in_days(20))
    _new("V81/26", relevance_score=20, deadline=f.in_days(5), decision_result="abgelehnt")
    client = client_for(office.officer)
    high = client.get("/sichtung/?relevanz=hoch").content.decode()
    assert "V80/26" in high and "V81/26" not in high
    decided = client.get("/sichtung/?entschieden=ja").content.decode()
    assert "V81/26" in decided and "V80/26" not in decided
    by_deadline = client.get("/sichtung/").content.decode()
    assert by_deadline.index("V81/26") < by_deadline.index("V80/26")
    by_score = client.get("/sichtung/?sort=-relevance").content.decode()
    assert by_score.index("V80/26") < by_score.index("V81/26")
    fragment = client.get("/sichtung/?relevanz=hoch", headers=HTMX).content.decode()
    assert "<html" not in fragment and 'id="worklist-results"' in fragment


def test_the_preview_shows_the_paper_and_its_main_attachment(office):
    review = _new("V90/26", "Integrationskonzept", relevance_reasons=["Stichwort: Integration"])
    f.make_file(review.paper, "Anlage 2.pdf")
    f.make_file(review.paper, "Integrationskonzept.pdf", is_main_file=True)
    html = client_for(office.officer).get(f"/sichtung/{review.pk}/vorschau/").content.decode()
    assert "<html" not in html
    assert "Vorschau: V90/26" in html and "Integrationskonzept" in html
    main = html.split('data-testid="preview-main-file"')[1].split("</p>")[0]
    assert "Integrationskonzept.pdf" in main and "Anlage 2.pdf" not in html
    assert "Stichwort: Integration" in html


def test_an_empty_worklist_says_what_to_do_next(office):
    html = client_for(office.officer).get("/sichtung/").content.decode()
    assert "Nichts wartet auf die Sichtung." in html
