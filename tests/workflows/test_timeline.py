"""The case timeline turns audit verbs into German sentences."""

from __future__ import annotations

import pytest

from tests import factories as f
from workflows.timeline import review_timeline, sentence_for

pytestmark = pytest.mark.django_db


def test_known_verbs_read_as_german_sentences() -> None:
    assert sentence_for("statement.approved") == "Stellungnahme schlussgezeichnet"
    assert sentence_for("receipt.confirmed") == "Empfang bestätigt"


def test_a_triage_as_not_affected_says_so() -> None:
    assert sentence_for("review.triaged", {"relevant": True}) == "Vorlage gesichtet: relevant"
    assert (
        sentence_for("review.triaged", {"relevant": False})
        == "Vorlage gesichtet: keine Betroffenheit"
    )


def test_unknown_verbs_are_shown_readably() -> None:
    assert sentence_for("statement.co_signed") == "Statement: co signed"
    assert sentence_for("housekeeping") == "Housekeeping"


def test_the_timeline_lists_events_in_order_with_actor_and_details() -> None:
    review = f.make_review()
    drafter = f.officer()
    f.record_event("review.assigned", review, f.head(), assignee="officer")
    f.record_event("consultation.started", review, drafter, contributors=["jugendamt", "schulamt"])
    f.record_event("documents.generated", review)
    entries = review_timeline(review)
    assert [e.sentence for e in entries] == [
        "Vorgang zugewiesen",
        "Beteiligung gestartet",
        "Dokumente erzeugt",
    ]
    assert entries[0].details == [("an", "Officer Muster")]
    assert entries[1].actor == str(drafter)
    assert entries[1].details == [("Beteiligte", "jugendamt, schulamt")]
    assert entries[2].actor == "system"


def test_the_task_pages_name_recent_events_in_german() -> None:
    from workflows.templatetags.audit import audit_sentence

    review = f.make_review()
    event = f.record_event("review.triaged", review, relevant=False, reason="Haushalt")
    assert audit_sentence(event) == "Vorlage gesichtet: keine Betroffenheit"


def test_every_audit_verb_written_in_the_code_has_a_german_sentence() -> None:
    import re
    from pathlib import Path

    from workflows.timeline import VERB_SENTENCES

    root = Path(__file__).resolve().parents[2]
    verbs: set[str] = set()
    for path in [*root.joinpath("review").rglob("*.py"), *root.joinpath("workflows").rglob("*.py")]:
        text = path.read_text()
        for match in re.finditer(r"AuditEvent\.record(?:_many)?\(\s*([^,]+),", text):
            verbs.update(re.findall(r'"([a-z_]+\.[a-z_]+)"', match.group(1)))
    assert {"task.claimed", "documents.request_failed", "review.decision_imported"} <= verbs
    assert sorted(verbs - set(VERB_SENTENCES)) == []


def test_the_verbs_written_by_runner_documents_and_sync_read_as_german() -> None:
    assert sentence_for("task.claimed") == "Aufgabe übernommen"
    assert sentence_for("documents.request_failed") == "Dokumente konnten nicht angefordert werden"
    assert (
        sentence_for("review.decision_imported")
        == "Beschluss aus dem Ratsinformationssystem übernommen"
    )


def test_details_show_german_labels_dates_and_full_names() -> None:
    review = f.make_review()
    f.officer(first_name="Olga", last_name="Ort")
    f.record_event("review.assigned", review, assignee="officer", previous="nobody")
    f.record_event("beirat_vote.recorded", review, vote="approve_with_changes")
    f.record_event("consultation.started", review, due="2026-12-14")
    f.record_event("documents.generated", review, kind="committee")
    f.record_event("dispatch.sent", review, audience="clerk", document="committee:1")
    f.record_event("review.outcome_recorded", review, outcome="followed")
    details = [e.details for e in review_timeline(review)]
    assert details == [
        [("an", "Olga Ort"), ("vorher", "nobody")],
        [("Votum", "Zustimmung mit Änderungen")],
        [("fällig am", "14.12.2026")],
        [("Art", "Stellungnahme an den Ausschuss")],
        [("Dokument", "Stellungnahme an den Ausschuss (Nr. 1)"), ("an", "Gremienbetreuung")],
        [("Ergebnis", "Empfehlung gefolgt")],
    ]
