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
    assert entries[0].details == [("an", "officer")]
    assert entries[1].actor == str(drafter)
    assert entries[1].details == [("Beteiligte", "jugendamt, schulamt")]
    assert entries[2].actor == "system"


def test_the_task_pages_name_recent_events_in_german() -> None:
    from workflows.templatetags.audit import audit_sentence

    review = f.make_review()
    event = f.record_event("review.triaged", review, relevant=False, reason="Haushalt")
    assert audit_sentence(event) == "Vorlage gesichtet: keine Betroffenheit"
