"""Facts that were read back from the audit trail are fields now: the approval on the statement
version, the send-back on its own row, the dispatch outcome on the review (migration 0012), the
first assignment, participation and submission for approval (0033, 0034); each migration fills
them from the audit events written before."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import import_module

import pytest
import time_machine
from django.apps import apps
from django.template.loader import render_to_string

from review import services as review_services
from review.dispatch import packages
from review.dispatch import services as dispatch_services
from review.external import clerk as clerk_cards
from review.models import AuditEvent, AuditVerb, Review, SendBack, StatementDownload
from review.statements import services as statements
from tests import factories as f
from workflows import documents

pytestmark = pytest.mark.django_db

fill_from_audit = import_module("review.migrations.0012_state_facts_as_fields").fill_from_audit
fill_participation_start = import_module(
    "review.migrations.0033_review_participation_started_at"
).fill_from_the_trail
fill_assignment_and_submission = import_module(
    "review.migrations.0034_review_assigned_at_submitted_at"
).fill_from_the_trail
fill_downloads = import_module("review.migrations.0035_statement_download").fill_from_the_trail
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FRIDAY = datetime(2026, 3, 6, 9, 0, tzinfo=UTC)


def _awaiting_approval() -> tuple[Review, object]:
    drafter = f.officer()
    review = f.make_review(assignee=drafter, status=Review.Status.APPROVAL)
    f.make_statement_version(review, drafter)
    return review, drafter


def test_approval_is_stored_on_the_version_and_names_the_approver_of_the_documents() -> None:
    review, _drafter = _awaiting_approval()
    head = f.head(username="chefin")
    version = statements.statement_approve(review=review, by=head)
    version.refresh_from_db()
    assert version.approved_by == head
    assert version.approved_at is not None
    assert review.approved_version() == version
    # The documents step asks the version, not the audit trail.
    assert documents._approver(review) == head


def test_a_review_without_approval_has_no_approver() -> None:
    review, _drafter = _awaiting_approval()
    assert review.approved_version() is None
    with pytest.raises(ValueError, match=documents.NO_APPROVER):
        documents._approver(review)


def test_a_send_back_is_a_row_with_version_person_and_reason() -> None:
    review, _drafter = _awaiting_approval()
    head = f.head()
    statements.statement_send_back(review=review, by=head, reason="  Bitte Quelle ergänzen. ")
    send_back = review.latest_send_back()
    assert send_back is not None
    assert (send_back.sent_back_by, send_back.reason) == (head, "Bitte Quelle ergänzen.")
    assert send_back.version.number == 1
    assert SendBack.objects.count() == 1


def test_no_recipients_and_a_failed_step_are_the_reviews_dispatch_outcome() -> None:
    review = f.make_released_review()
    dispatch_services.record_failure(review=review, error="SMTP nicht erreichbar")
    review.refresh_from_db()
    assert review.dispatch_outcome == Review.DispatchOutcome.FAILED
    assert review.dispatch_error == "SMTP nicht erreichbar"
    assert AuditEvent.objects.filter(review=review, verb=AuditVerb.DISPATCH_FAILED).count() == 1

    review.dispatch_outcome = Review.DispatchOutcome.NO_RECIPIENTS
    review.save()
    html = render_to_string("dispatch/_review_dispatches.html", {"review": review})
    assert str(dispatch_services.NO_RECIPIENTS) in html


def test_the_migration_fills_the_fields_from_the_audit_events_written_before() -> None:
    drafter, head = f.officer(), f.head()
    review = f.make_review(assignee=drafter, status=Review.Status.DISPATCHED)
    first = f.make_statement_version(review, drafter)
    second = f.make_statement_version(review, drafter)
    f.record_event("statement.sent_back", review, head, version=1, reason="Quelle fehlt.")
    f.record_event("statement.approved", review, head, version=2)
    f.record_event("dispatch.no_recipients", review, head)
    other = f.make_review(status=Review.Status.DISPATCHED)
    f.record_event("dispatch.no_recipients", other, head)
    f.record_event("statement.dispatched", other, head)

    fill_from_audit(apps, None)
    fill_from_audit(apps, None)  # twice: nothing doubles

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.approved_by is None
    assert (second.approved_by, second.approved_at is not None) == (head, True)
    send_back = SendBack.objects.get()
    assert (send_back.version, send_back.reason, send_back.sent_back_by) == (
        first,
        "Quelle fehlt.",
        head,
    )
    review.refresh_from_db()
    other.refresh_from_db()
    assert review.dispatch_outcome == Review.DispatchOutcome.NO_RECIPIENTS
    assert other.dispatch_outcome == Review.DispatchOutcome.STARTED


def test_the_first_participation_start_is_stored_on_the_case_and_a_second_keeps_it() -> None:
    drafter, colleague, head = f.officer(), f.officer(username="kollege"), f.head()
    review = f.make_review(assignee=drafter, status=Review.Status.DRAFTING)
    f.make_statement_version(review, drafter)

    def start() -> Review:
        return statements.start_participation(
            review=review,
            by=drafter,
            share_with_beirat=False,
            contributors=[(colleague, "contribution")],
            due_date=None,
        )

    with time_machine.travel(MONDAY, tick=False):
        start()
    statements.close_participation(review=review)
    statements.statement_send_back(review=review, by=head, reason="Bitte noch einmal beteiligen.")
    with time_machine.travel(FRIDAY, tick=False):
        start()
    review.refresh_from_db()
    assert review.participation_started_at == MONDAY


def test_the_migration_fills_the_participation_start_from_the_first_event() -> None:
    review, untouched = f.make_review(), f.make_review()
    with time_machine.travel(MONDAY, tick=False):
        f.record_event("consultation.started", review, beirat=True)
    with time_machine.travel(FRIDAY, tick=False):
        f.record_event("consultation.started", review, beirat=False)
        f.record_event("review.assigned", untouched)

    fill_participation_start(apps, None)

    review.refresh_from_db()
    untouched.refresh_from_db()
    assert review.participation_started_at == MONDAY
    assert untouched.participation_started_at is None


def test_the_first_assignment_is_stored_on_the_case_and_a_reassignment_keeps_it() -> None:
    head, first, second = f.head(), f.officer(), f.officer(username="zweite")
    review = f.make_review(status=Review.Status.AWAITING_ASSIGNMENT)
    with time_machine.travel(MONDAY, tick=False):
        review_services.assign_review(review=review, assignee=first, by=head)
    with time_machine.travel(FRIDAY, tick=False):
        review_services.assign_review(review=review, assignee=second, by=head)
    review.refresh_from_db()
    assert (review.assignee, review.assigned_at) == (second, MONDAY)


def test_the_first_submission_for_approval_is_stored_and_a_resubmission_keeps_it() -> None:
    drafter, head = f.officer(), f.head()
    review = f.make_review(assignee=drafter, status=Review.Status.DRAFTING)
    f.make_statement_version(review, drafter)
    with time_machine.travel(MONDAY, tick=False):
        statements.submit_for_approval(review=review, by=drafter)
    statements.statement_send_back(review=review, by=head, reason="Quelle fehlt.")
    with time_machine.travel(FRIDAY, tick=False):
        statements.submit_for_approval(review=review, by=drafter)
    review.refresh_from_db()
    assert (review.status, review.submitted_at) == (Review.Status.APPROVAL, MONDAY)


def test_the_migration_fills_assignment_and_submission_from_the_first_events() -> None:
    review, untouched = f.make_review(), f.make_review()
    with time_machine.travel(MONDAY, tick=False):
        f.record_event("review.assigned", review, assignee="erste")
        f.record_event("statement.submitted", review, version=1)
    with time_machine.travel(FRIDAY, tick=False):
        f.record_event("statement.submitted", review, version=2)
        f.record_event("consultation.started", untouched)

    fill_assignment_and_submission(apps, None)

    review.refresh_from_db()
    untouched.refresh_from_db()
    assert (review.assigned_at, review.submitted_at) == (MONDAY, MONDAY)
    assert (untouched.assigned_at, untouched.submitted_at) == (None, None)


def test_a_download_is_one_row_per_person_and_case_with_the_last_time() -> None:
    clerk, review = f.clerk(), f.make_review()
    with time_machine.travel(MONDAY, tick=False):
        packages.record_download(review=review, fmt="pdf", by=clerk)
    with time_machine.travel(FRIDAY, tick=False):
        packages.record_download(review=review, fmt="docx", by=clerk)
    [row] = StatementDownload.objects.all()
    assert (row.review, row.person, row.last_downloaded_at) == (review, clerk, FRIDAY)
    assert AuditEvent.objects.filter(verb=AuditVerb.STATEMENT_DOWNLOADED).count() == 2


def test_the_clerks_card_reads_the_download_from_its_row_not_the_trail() -> None:
    clerk, review, other = f.clerk(), f.make_review(), f.make_review()
    StatementDownload.objects.create(review=review, person=clerk, last_downloaded_at=MONDAY)
    f.record_event("statement.downloaded", other, actor=clerk)  # a trail without its row
    assert clerk_cards.downloads_by(clerk, [review, other]) == {review.pk: MONDAY}


def test_the_migration_fills_the_last_download_per_person_from_the_events() -> None:
    clerk, head, review = f.clerk(), f.head(), f.make_review()
    with time_machine.travel(MONDAY, tick=False):
        f.record_event("statement.downloaded", review, actor=clerk)
        f.record_event("statement.downloaded", review, actor=head)
    with time_machine.travel(FRIDAY, tick=False):
        f.record_event("statement.downloaded", review, actor=clerk)
        f.record_event("statement.submitted", review, actor=clerk)

    fill_downloads(apps, None)

    rows = StatementDownload.objects.values_list("person", "last_downloaded_at")
    assert set(rows) == {(clerk.pk, FRIDAY), (head.pk, MONDAY)}
