"""Every path of a review through the real pages, as the people in the office click it."""

from __future__ import annotations

import pytest

from review.models import (
    AuditEvent,
    BeiratVote,
    Contribution,
    Dispatch,
    Document,
    Review,
    StatementVersion,
)
from tests import factories as f
from workflows.flows import ReviewFlow

from .conftest import (
    DRAFT,
    client_for,
    open_nodes,
    open_task,
    participation_url,
    submit_url,
    task_url,
)

pytestmark = pytest.mark.django_db


def verbs(review: Review) -> list[str]:
    return list(
        AuditEvent.objects.filter(review=review).order_by("id").values_list("verb", flat=True)
    )


def test_an_officer_closes_a_paper_as_not_affected_with_a_reason(office, review):
    client = client_for(office.officer)
    queue = client.get("/aufgaben/team/")
    assert review.paper.reference in queue.content.decode()
    triage = open_task(review, ReviewFlow.triage)

    missing_reason = client.post(task_url(triage), {"decision": "not_affected", "reason": ""})
    assert missing_reason.status_code == 200
    assert "Bitte geben Sie eine kurze Begründung an." in missing_reason.content.decode()

    done = client.post(
        task_url(triage), {"decision": "not_affected", "reason": "Reine Haushaltsvorlage."}
    )
    assert done.status_code == 302
    review.refresh_from_db()
    assert review.status == Review.Status.NOT_AFFECTED
    assert review.close_reason == "Reine Haushaltsvorlage."
    assert review.closed_by == office.officer
    assert open_nodes(review) == set()
    assert review.process.status == "DONE"
    assert verbs(review) == ["review.triaged"]
    timeline = client.get(f"/vorgaenge/{review.pk}/").content.decode()
    assert "Vorlage gesichtet: keine Betroffenheit" in timeline
    assert "Reine Haushaltsvorlage." in timeline


def test_not_affected_with_the_short_note_document(
    office, review, django_capture_on_commit_callbacks
):
    triage = open_task(review, ReviewFlow.triage)
    with django_capture_on_commit_callbacks(execute=True):
        done = client_for(office.officer).post(
            task_url(triage),
            {"decision": "not_affected", "reason": "Nur Personalfragen.", "note_document": "on"},
        )
    assert done.status_code == 302
    note = Document.objects.get(review=review)
    assert note.kind == "not_affected" and note.created_by == office.officer
    assert open_nodes(review) == set()


def test_full_path_with_participation_and_one_send_back(
    office, review, django_capture_on_commit_callbacks
):
    colleague = f.officer(username="kollege")
    f.beirat_member()
    officer, head = client_for(office.officer), client_for(office.head)

    # Triage: relevant.
    triage = open_task(review, ReviewFlow.triage)
    assert officer.post(task_url(triage), {"decision": "relevant"}).status_code == 302
    assert open_nodes(review) == {"assign"}

    # Assignment by the Beauftragte.
    assign = open_task(review, ReviewFlow.assign)
    assert officer.get(task_url(assign)).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        assert head.post(task_url(assign), {"assignee": office.officer.pk}).status_code == 302
    review.refresh_from_db()
    assert review.assignee == office.officer and review.status == Review.Status.ASSIGNED
    draft = open_task(review, ReviewFlow.draft)
    assert draft.owner == office.officer
    inbox = officer.get("/aufgaben/").content.decode()
    assert review.paper.reference in inbox and "Entwurf der Stellungnahme" in inbox

    # Drafting: autosave twice (two versions), an unchanged autosave adds none.
    saved = officer.post(f"/aufgaben/{draft.pk}/zwischenspeichern/", DRAFT, HTTP_HX_REQUEST="true")
    assert "Fassung 1" in saved.content.decode()
    officer.post(f"/aufgaben/{draft.pk}/zwischenspeichern/", DRAFT, HTTP_HX_REQUEST="true")
    changed = {**DRAFT, "assessment": "Betroffen sind vor allem Mütter ohne Kita-Platz."}
    saved = officer.post(
        f"/aufgaben/{draft.pk}/zwischenspeichern/", changed, HTTP_HX_REQUEST="true"
    )
    assert "Fassung 2" in saved.content.decode()
    diff = officer.get(f"/vorgaenge/{review.pk}/fassungen/").content.decode()
    assert "<del>Zugewanderte</del>" in diff and "<ins>vor allem Mütter</ins>" in diff

    # Participation: Beirat and a colleague, in parallel.
    with django_capture_on_commit_callbacks(execute=True):
        started = officer.post(
            participation_url(draft),
            {
                **changed,
                "share_with_beirat": "on",
                "contributors": [colleague.pk],
                "kind": "co_signature",
                "due_date": f.in_days(20).isoformat(),
            },
        )
    assert started.status_code == 302
    review.refresh_from_db()
    assert review.status == Review.Status.PARTICIPATION and review.shared_with_beirat
    assert open_nodes(review) == {"await_beirat", "await_contributions"}

    # The colleague co-signs from their inbox; the Beirat's vote is recorded by the office.
    mine = client_for(colleague)
    asked = Contribution.objects.get(review=review, contributor=colleague)
    assert f"/beteiligungen/{asked.pk}/" in mine.get("/aufgaben/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            mine.post(
                f"/beteiligungen/{asked.pk}/", {"agree": "1", "text": "Einverstanden."}
            ).status_code
            == 302
        )
    assert open_nodes(review) == {"await_beirat"}
    with django_capture_on_commit_callbacks(execute=True):
        voted = officer.post(
            f"/vorgaenge/{review.pk}/beirat-votum/",
            {"vote": "approve_with_changes", "text": "Wie Integrationsbüro.", "meeting_date": ""},
        )
    assert voted.status_code == 302
    assert BeiratVote.objects.get(review=review).recorded_by == office.officer
    review.refresh_from_db()
    assert review.status == Review.Status.APPROVAL
    assert open_nodes(review) == {"approve"}

    # Approval: send back once with a reason, then approve.
    approve = open_task(review, ReviewFlow.approve)
    no_reason = head.post(task_url(approve), {"decision": "send_back", "reason": ""})
    assert "Bitte begründen Sie die Rückgabe." in no_reason.content.decode()
    assert (
        head.post(
            task_url(approve), {"decision": "send_back", "reason": "Quelle ergänzen."}
        ).status_code
        == 302
    )
    review.refresh_from_db()
    assert review.status == Review.Status.DRAFTING
    redraft = open_task(review, ReviewFlow.draft)
    assert redraft.owner == office.officer
    finished = {
        **changed,
        "facts": DRAFT["facts"] + " Quelle: Sozialbericht 2025.",
    }
    assert officer.post(submit_url(redraft), finished).status_code == 302
    review.refresh_from_db()
    assert review.status == Review.Status.APPROVAL
    approve = open_task(review, ReviewFlow.approve)
    page = head.get(task_url(approve)).content.decode()
    assert "<ins>Quelle: Sozialbericht 2025.</ins>" in page
    with django_capture_on_commit_callbacks(execute=True):
        assert head.post(task_url(approve), {"decision": "approve"}).status_code == 302
    # Documents: rendered in-process without a broker; with one (and no worker in this
    # test) the flow waits, so render here the way the worker would.
    if open_nodes(review) == {"await_documents"}:
        from review.documents.tasks import generate_document

        with django_capture_on_commit_callbacks(execute=True):
            for document in Document.objects.filter(review=review):
                generate_document(document.pk)
    assert open_nodes(review) == {"outcome"}
    review.refresh_from_db()
    assert review.status == Review.Status.DISPATCHED
    assert {d.kind for d in Document.objects.filter(review=review)} == {"committee", "beirat"}
    assert Dispatch.objects.filter(review=review, audience="beirat").count() == 1

    from workflows import documents

    assert documents.finished(review.pk) is False  # a repeated documents_ready does nothing

    # Outcome: imported decision prefills, the officer confirms; the case closes.
    Review.objects.filter(pk=review.pk).update(decision_result="mit Änderungen beschlossen")
    outcome = open_task(review, ReviewFlow.outcome)
    form = officer.get(task_url(outcome)).content.decode()
    assert 'value="mit Änderungen beschlossen"' in form
    assert 'value="followed" id="id_outcome_0" checked' in form or 'value="followed"' in form
    with django_capture_on_commit_callbacks(execute=True):
        closed = officer.post(
            task_url(outcome),
            {
                "decision_result": "mit Änderungen beschlossen",
                "decision_text": "",
                "outcome": "followed",
            },
        )
    assert closed.status_code == 302
    review.refresh_from_db()
    assert review.status == Review.Status.CLOSED and review.outcome == Review.Outcome.FOLLOWED
    assert open_nodes(review) == set()
    assert review.process.status == "DONE"
    assert StatementVersion.objects.filter(statement__review=review).count() == 3
    flow_verbs = [
        v
        for v in verbs(review)
        if not v.startswith(("documents.", "statement.dispatched", "dispatch.sent"))
    ]
    assert flow_verbs == [
        "review.triaged",
        "review.assigned",
        "statement.saved",
        "statement.saved",
        "consultation.started",
        "contribution.given",
        "beirat_vote.recorded",
        "consultation.closed",
        "statement.sent_back",
        "statement.saved",
        "statement.submitted",
        "statement.approved",
        "review.outcome_recorded",
    ]
    timeline = head.get(f"/vorgaenge/{review.pk}/").content.decode()
    for sentence in [
        "Vorgang zugewiesen",
        "Beteiligung gestartet",
        "Votum des Beirats erfasst",
        "Stellungnahme zur Überarbeitung zurückgegeben",
        "Quelle ergänzen.",
        "Stellungnahme schlussgezeichnet",
        "Beschluss erfasst, Vorgang abgeschlossen",
    ]:
        assert sentence in timeline, sentence


def test_a_drafter_sends_straight_to_approval_without_participation(office, review):
    review.assignee = office.officer
    review.status = Review.Status.NEW
    review.save()
    triage = open_task(review, ReviewFlow.triage)
    client_for(office.officer).post(task_url(triage), {"decision": "relevant"})
    assign = open_task(review, ReviewFlow.assign)
    client_for(office.head).post(task_url(assign), {"assignee": office.officer2.pk})
    draft = open_task(review, ReviewFlow.draft)
    assert draft.owner == office.officer2
    without_recommendation = {**DRAFT, "recommendation": ""}
    refused = client_for(office.officer2).post(submit_url(draft), without_recommendation)
    assert (
        "Bitte speichern Sie zuerst einen Entwurf mit Empfehlung/Votum." in refused.content.decode()
    )
    assert client_for(office.officer2).post(submit_url(draft), DRAFT).status_code == 302
    assert open_nodes(review) == {"approve"}
