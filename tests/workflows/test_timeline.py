"""The case timeline turns audit verbs into German sentences."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation

from review.models import AuditVerb
from tests import factories as f
from workflows.timeline import VERB_SENTENCES, review_timeline, sentence_for

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


def _code(*, without: tuple[str, ...] = ()) -> str:
    """The application's Python source (not tests, not migrations)."""
    root = Path(__file__).resolve().parents[2]
    return "\n".join(
        path.read_text()
        for folder in ("review", "workflows")
        for path in root.joinpath(folder).rglob("*.py")
        if "migrations" not in path.parts and path.name not in without
    )


def test_every_audit_verb_has_a_sentence_with_a_german_translation() -> None:
    for verb in AuditVerb:
        # TextChoices makes "Statement Approved" from the name when a member has no label.
        assert verb.label != verb.name.replace("_", " ").title(), verb
        assert VERB_SENTENCES[verb.value] == verb.label
        with translation.override("en"):
            english = str(verb.label)
        with translation.override("de"):
            assert str(verb.label) != english, f"{verb}: no German sentence"


def test_every_audit_verb_is_written_by_the_code_and_no_writer_passes_a_string() -> None:
    # The enum's own module and the timeline name every verb without writing one.
    writers = _code(without=("audit.py", "timeline.py"))
    never_written = [verb for verb in AuditVerb if f"AuditVerb.{verb.name}" not in writers]
    assert never_written == []
    assert re.findall(r"AuditEvent\.record(?:_many)?\(\s*[\"']", _code()) == []


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
