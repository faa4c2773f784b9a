"""Deleting handed-over cases: everything that hangs on a case goes, the audit chain stays
verifiable, a deletion record is written, and a case not handed over is never deleted."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from review.archive import services
from review.audit.verification import verify_chain
from review.models import (
    AuditEvent,
    BeiratVote,
    Contribution,
    DeletionRecord,
    Dispatch,
    Document,
    File,
    FollowUp,
    Handover,
    HandoverItem,
    Notification,
    NotificationKind,
    Paper,
    Review,
    SendBack,
    Statement,
    StatementVersion,
)
from tests import factories as f
from tests.conftest import requires_postgres
from workflows.flows import start_for_review
from workflows.models import ReviewProcess

from .conftest import closed_case, evaluation, receipt

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return f.administrator()


def _evaluated(admin, decisions: dict[str, str]) -> Handover:
    """Offer every due case; the archive decides per reference ("A" or "V")."""
    handover = services.offer_cases(by=admin)
    by_record: dict[object, str] = {
        item.record_id: decisions[item.reference] for item in handover.items.all()
    }
    return services.import_evaluation(
        handover=handover, data=evaluation(handover.process_id, by_record), by=admin
    )


def _handed_over(admin, converter, decisions: dict[str, str]) -> Handover:
    handover = _evaluated(admin, decisions)
    if "A" in decisions.values():
        services.export_package(handover=handover, by=admin)
        return services.confirm_receipt(
            handover=handover, data=receipt(handover.process_id), by=admin
        )
    return services.confirm_manually(handover=handover, by=admin)


def _everything_on(case: Review) -> Review:
    """Hangs one of each on the case: vote, contribution, send-back, follow-up, dispatch, …"""
    officer = case.assignee or f.officer()
    version = case.statement.current_version
    assert version is not None
    f.make_change_proposal(version)
    SendBack.objects.create(review=case, version=version, sent_back_by=officer, reason="Bitte …")
    BeiratVote.objects.create(review=case, vote="approve", recorded_by=officer)
    Contribution.objects.create(review=case, contributor=officer, kind="contribution")
    FollowUp.objects.create(
        review=case,
        task="Bericht anfordern",
        lead_office=f.make_organization("Sozialamt"),
        due_date=timezone.localdate(),
        assignee=officer,
        created_by=officer,
    )
    f.make_dispatch(case, f.clerk(), document=None)
    Notification.objects.create(
        kind=NotificationKind.OUTCOME_RECORDED, recipient=officer, review=case, title="Beschluss"
    )
    start_for_review(case)
    return case


def _stored(names: list[str]) -> list[bool]:
    return [default_storage.exists(name) for name in names]


def test_a_handed_over_case_goes_with_everything_that_hangs_on_it(
    admin, converter, django_capture_on_commit_callbacks
):
    case = _everything_on(closed_case("V0100/24"))
    kept = closed_case("V0101/24", days_ago=10)  # too young to be offered: stays
    paper = case.paper
    document = Document.objects.get(review=case)
    attachment = File.objects.get(paper=paper)
    dispatched = [entry["path"] for entry in Dispatch.objects.get(review=case).attachments]
    files = [document.docx.name, document.pdf.name, *dispatched]
    assert all(_stored([*files, attachment.content.name]))
    assert ReviewProcess.objects.filter(review=case).exists()
    handover = _handed_over(admin, converter, {"V0100/24": "A"})
    events = list(AuditEvent.objects.filter(review=case).values_list("pk", "hash"))
    assert len(events) >= 2  # at least its history and the offer
    with django_capture_on_commit_callbacks(execute=True):
        record = services.delete_handed_over_cases(handover=handover, by=admin)

    assert not Review.objects.filter(pk=case.pk).exists()
    for model in (Statement, Document, Dispatch, BeiratVote, Contribution, FollowUp, SendBack):
        assert not model.objects.filter(review_id=case.pk).exists(), model
    assert not StatementVersion.objects.filter(statement__review_id=case.pk).exists()
    assert not Notification.objects.filter(review_id=case.pk).exists()
    assert not ReviewProcess.objects.filter(review_id=case.pk).exists()
    # The files of its documents and dispatches are gone from the storage as well.
    assert _stored(files) == [False] * len(files)
    # A public paper is the council's record and stays, with its file.
    assert Paper.objects.filter(pk=paper.pk).exists()
    assert _stored([attachment.content.name]) == [True]
    # The events stay unchanged, still naming the case by its number, and the chain verifies.
    assert list(AuditEvent.objects.filter(review_id=case.pk).values_list("pk", "hash")) == events
    assert verify_chain().ok
    # The evidence of the hand-over stays; the other case is untouched.
    assert HandoverItem.objects.get(handover=handover).reference == "V0100/24"
    assert Review.objects.filter(pk=kept.pk).exists()
    # The record: class, count, rule, time; no name, no case reference.
    assert (record.data_class, record.action, record.count) == ("cases", "delete", 1)
    assert str(handover.process_id) in record.rule and "V0100/24" not in record.rule
    assert record.ran_at <= timezone.now()
    event = AuditEvent.objects.get(verb="archive.cases_deleted")
    assert event.details == {"cases": 1, "processes": [str(handover.process_id)]}
    assert event.review_id is None and event.actor == admin


def test_a_non_public_draft_goes_with_its_case(
    admin, converter, django_capture_on_commit_callbacks
):
    case = closed_case("V0200/24")
    Paper.objects.filter(pk=case.paper_id).update(is_public=False)
    upload = File.objects.get(paper_id=case.paper_id).content.name
    handover = _handed_over(admin, converter, {"V0200/24": "V"})
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_handed_over_cases(handover=handover, by=admin)
    assert not Paper.all_objects.filter(pk=case.paper_id).exists()
    assert not File.all_objects.filter(paper_id=case.paper_id).exists()
    assert not default_storage.exists(upload)


def test_discarded_cases_go_once_the_hand_over_without_package_is_closed(admin, converter):
    keep, drop = closed_case("V0001/24"), closed_case("V0002/24")
    handover = _handed_over(admin, converter, {"V0001/24": "A", "V0002/24": "V"})
    record = services.delete_handed_over_cases(handover=handover, by=admin)
    assert record.count == 2
    assert not Review.objects.filter(pk__in=[keep.pk, drop.pk]).exists()


def test_a_case_never_offered_can_never_be_deleted(admin):
    case = closed_case()
    with pytest.raises(services.ArchiveError) as error:
        services.delete_cases(reviews=[case], by=admin)
    assert str(error.value) == str(services.NOT_HANDED_OVER).format(reference="V0100/24")
    assert "nicht an das Archiv übergeben" in str(error.value)  # German by default
    assert Review.objects.filter(pk=case.pk).exists()
    assert Statement.objects.filter(review=case).exists()


@pytest.mark.parametrize("step", ["offered", "evaluated", "exported"])
def test_a_case_whose_hand_over_is_still_open_is_refused(admin, converter, step):
    case = closed_case()
    handover = services.offer_cases(by=admin)
    if step != "offered":
        record_id = handover.items.get().record_id
        services.import_evaluation(
            handover=handover, data=evaluation(handover.process_id, {record_id: "A"}), by=admin
        )
    if step == "exported":
        services.export_package(handover=handover, by=admin)
    assert Handover.objects.get().status == step
    with pytest.raises(services.ArchiveError) as error:
        services.delete_handed_over_cases(handover=handover, by=admin)
    assert str(error.value) == str(services.HANDOVER_OPEN)
    with pytest.raises(services.ArchiveError):
        services.delete_cases(reviews=[case], by=admin)
    assert Review.objects.filter(pk=case.pk).exists()
    assert not DeletionRecord.objects.exists()


def test_one_case_not_handed_over_stops_the_whole_batch(admin, converter):
    done = closed_case("V0001/24")
    handover = _handed_over(admin, converter, {"V0001/24": "V"})
    other = closed_case("V0002/24")
    with pytest.raises(services.ArchiveError) as error:
        services.delete_cases(reviews=[done, other], by=admin)
    assert "V0002/24" in str(error.value)
    assert Review.objects.filter(pk__in=[done.pk, other.pk]).count() == 2
    assert handover.is_closed


def test_a_second_deletion_says_the_cases_are_gone(admin, converter):
    closed_case()
    handover = _handed_over(admin, converter, {"V0100/24": "V"})
    services.delete_handed_over_cases(handover=handover, by=admin)
    with pytest.raises(services.ArchiveError) as error:
        services.delete_handed_over_cases(handover=handover, by=admin)
    assert str(error.value) == str(services.NOTHING_TO_DELETE)
    assert DeletionRecord.objects.count() == 1


def test_a_failed_deletion_keeps_rows_and_files(admin, converter, monkeypatch):
    case = closed_case()
    document = Document.objects.get(review=case)
    handover = _handed_over(admin, converter, {"V0100/24": "V"})

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.AuditEvent, "record", fail)
    with pytest.raises(RuntimeError):
        services.delete_handed_over_cases(handover=handover, by=admin)
    assert Review.objects.filter(pk=case.pk).exists()
    assert document.pdf.name and Path(default_storage.path(document.pdf.name)).exists()


@requires_postgres
def test_the_database_trigger_lets_a_handed_over_case_go(admin, converter):
    # The service's checks and the trigger of migration 0012 agree on what is handed over.
    closed_case()
    handover = _handed_over(admin, converter, {"V0100/24": "V"})
    assert services.delete_handed_over_cases(handover=handover, by=admin).count == 1


def test_the_case_files_of_a_document_are_removed_only_after_commit(admin, converter):
    # Inside the test's transaction nothing commits: the files must still be there.
    case = closed_case()
    name = Document.objects.get(review=case).pdf.name
    assert name
    default_storage.save("unrelated.txt", ContentFile(b"x"))
    handover = _handed_over(admin, converter, {"V0100/24": "V"})
    services.delete_handed_over_cases(handover=handover, by=admin)
    assert default_storage.exists(name)
    assert default_storage.exists("unrelated.txt")


def test_a_public_paper_whose_case_was_deleted_opens_no_new_case(admin, converter):
    from review.oparl.relevance import reassess

    case = closed_case("V0300/24")
    paper = case.paper
    handover = _handed_over(admin, converter, {"V0300/24": "V"})
    services.delete_handed_over_cases(handover=handover, by=admin)
    # The same paper, unseen so far, would open a case: the profile finds it relevant.
    twin = f.make_paper(paper.name, reference="V0301/24", paper_type=paper.paper_type)
    assert reassess([paper.pk, twin.pk], now=timezone.now()) == 1
    assert Review.objects.filter(paper=twin).exists()
    assert not Review.objects.filter(paper=paper).exists()
    assert HandoverItem.objects.get(handover=handover).paper_id == paper.pk


def test_every_relation_onto_a_case_is_known_to_the_deletion():
    """A new model pointing at a case (or its statement, versions, documents) must be handled
    in services._delete_one: this list fails first, naming the relation."""
    from django.db import models

    def protected(model: type[models.Model]) -> set[str]:
        return {
            f"{rel.related_model._meta.label}.{rel.field.name}"
            for rel in model._meta.related_objects
            if getattr(rel, "on_delete", None) is not models.CASCADE
        }

    known = {
        "review.Statement.review",
        "review.BeiratVote.review",
        "review.Contribution.review",
        "review.HandoverItem.review",  # stays: the evidence (no constraint)
        "review.AuditEvent.review",  # stays: the chain (no constraint)
        "review.Document.review",
        "review.Dispatch.review",
        "review.FollowUp.review",
        "review.SendBack.review",
        "workflows.ReviewProcess.review",
        "review.StatementVersion.statement",
        "review.ChangeProposal.version",
        "review.Document.statement_version",
        "review.Dispatch.statement_version",
        "review.SendBack.version",
        "review.Dispatch.document",
    }
    found = protected(Review) | protected(Statement) | protected(StatementVersion)
    found |= protected(Document)
    assert found == known
