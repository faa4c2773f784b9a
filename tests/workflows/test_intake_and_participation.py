"""Opening reviews (sync signal, by hand), the Beirat voting itself, and participation due dates."""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module

import pytest
import time_machine
from django.apps import apps as django_apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from review import signals
from review.external import services as external
from review.models import Contribution, File, Review
from tests import factories as f
from workflows import queries
from workflows.flows import ReviewFlow
from workflows.models import ReviewProcess
from workflows.tasks import fire_timers

from .conftest import DRAFT, client_for, open_nodes, open_task, participation_url, task_url

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_the_syncs_signal_starts_the_flow_once(django_capture_on_commit_callbacks):
    review = f.make_review()
    signals.review_opened.send(sender=Review, review_id=review.pk, opened_by_id=None)
    signals.review_opened.send(sender=Review, review_id=review.pk, opened_by_id=None)
    assert ReviewProcess.objects.filter(review=review).count() == 1
    assert open_nodes(review) == {"triage"}


def test_the_periodic_sweep_starts_flows_that_were_missed():
    missed = f.make_review()
    closed = f.make_review(
        status=Review.Status.NOT_AFFECTED, close_reason="x", closed_at=timezone.now()
    )
    assert fire_timers()["started"] == 1
    assert open_nodes(missed) == {"triage"}
    assert not ReviewProcess.objects.filter(review=closed).exists()
    assert fire_timers()["started"] == 0


def test_an_officer_opens_a_non_public_draft_by_hand(
    office, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(office.officer)
    assert "Vorlage von Hand erfassen" in client.get("/vorgaenge/neu/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/vorgaenge/neu/",
            {
                "name": "Entwurf: Wohnraum für Geflüchtete",
                "reference": "E-7/26",
                "paper_type": "Beschlussvorlage",
                "paper_date": timezone.localdate().isoformat(),
                "deadline": f.in_days(20).isoformat(),
                "draft_pdf": SimpleUploadedFile("entwurf.pdf", PDF, content_type="application/pdf"),
            },
        )
    review = Review.objects.get(paper__reference="E-7/26")
    assert review.paper.is_public is False
    file = File.objects.get(paper=review.paper)
    assert file.is_main_file and file.content.read() == PDF
    triage = open_task(review, ReviewFlow.triage)
    assert response["Location"] == task_url(triage)
    page = client.get(task_url(triage)).content.decode()
    assert "(nicht öffentlich)" in page and "Entwurf E-7/26" in page


def test_a_non_pdf_upload_is_refused(office):
    response = client_for(office.officer).post(
        "/vorgaenge/neu/",
        {
            "name": "X",
            "reference": "E-8/26",
            "paper_type": "Beschlussvorlage",
            "draft_pdf": SimpleUploadedFile("entwurf.docx", b"PK"),
        },
    )
    assert response.status_code == 200
    assert "Bitte laden Sie den Entwurf als PDF-Datei hoch." in response.content.decode()
    assert not Review.objects.filter(paper__reference="E-8/26").exists()


@pytest.fixture
def participating(office, review, django_capture_on_commit_callbacks):
    colleague = f.officer(username="kollege")
    client_for(office.officer).post(
        task_url(open_task(review, ReviewFlow.triage)), {"decision": "relevant"}
    )
    client_for(office.head).post(
        task_url(open_task(review, ReviewFlow.assign)), {"assignee": office.officer.pk}
    )
    with django_capture_on_commit_callbacks(execute=True):
        client_for(office.officer).post(
            participation_url(open_task(review, ReviewFlow.draft)),
            {
                **DRAFT,
                "share_with_beirat": "on",
                "contributors": [colleague.pk],
                "kind": "contribution",
                "due_date": f.in_days(10).isoformat(),
            },
        )
    review.refresh_from_db()
    return review


def test_the_beirats_own_vote_ends_its_branch(participating, django_capture_on_commit_callbacks):
    member = f.beirat_member()
    with django_capture_on_commit_callbacks(execute=True):
        external.record_beirat_vote(
            review=participating, vote="approve", text="Einstimmig.", meeting_date=None, by=member
        )
    assert open_nodes(participating) == {"await_contributions"}


def test_passed_due_dates_end_the_participation_without_the_missing_answers(participating, office):
    assert fire_timers()["participations"] == 0
    with time_machine.travel(timezone.now() + timedelta(days=11), tick=False):
        assert fire_timers()["participations"] == 2
        assert fire_timers()["participations"] == 0
    participating.refresh_from_db()
    assert participating.status == Review.Status.APPROVAL
    assert Contribution.objects.get(review=participating).status == Contribution.Status.EXPIRED
    assert open_nodes(participating) == {"approve"}
    assert [row.review for row in queries.team_queue(office.head)] == [participating]


def _stored_nodes(review: Review) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.flow_task FROM viewflow_task t"
            " JOIN workflows_reviewprocess p ON p.process_ptr_id = t.process_id"
            " WHERE p.review_id = %s",
            [review.pk],
        )
        return {row[0].rsplit(".", 1)[1] for row in cursor.fetchall()}


def test_the_migration_renames_the_stored_participation_nodes_and_the_case_goes_on(
    participating, office
):
    migration = import_module("workflows.migrations.0002_cleanup_participation_nodes")
    renamed = {"needs_participation", "participation", "participation_closed"}
    # A database from before the rename: the same rows under the old node names.
    migration.restore_nodes(django_apps, connection.schema_editor())
    stored = _stored_nodes(participating)
    assert {"needs_consultation", "consult"} <= stored and not stored & renamed

    migration.rename_nodes(django_apps, connection.schema_editor())
    stored = _stored_nodes(participating)
    assert {"needs_participation", "participation"} <= stored
    assert not stored & {"needs_consultation", "consult", "consulted"}
    assert open_nodes(participating) == {"await_beirat", "await_contributions"}
    with time_machine.travel(timezone.now() + timedelta(days=11), tick=False):
        assert fire_timers()["participations"] == 2
    assert "participation_closed" in _stored_nodes(participating)
    assert open_nodes(participating) == {"approve"}


def test_a_contribution_cannot_be_answered_twice_or_by_someone_else(participating, office):
    asked = Contribution.objects.get(review=participating)
    assert (
        client_for(office.officer).post(f"/beteiligungen/{asked.pk}/", {"agree": "1"}).status_code
        == 403
    )
    colleague = client_for(asked.contributor)
    assert (
        colleague.post(
            f"/beteiligungen/{asked.pk}/", {"agree": "0", "text": "Keine Zeit."}
        ).status_code
        == 302
    )
    again = colleague.get(f"/beteiligungen/{asked.pk}/").content.decode()
    assert "Ihre Antwort: abgelehnt." in again


def test_the_colleague_finds_the_request_in_their_inbox_until_they_answer(participating):
    asked = Contribution.objects.get(review=participating)
    colleague = client_for(asked.contributor)
    inbox = colleague.get("/aufgaben/").content.decode()
    assert "Um Ihren Beitrag gebeten" in inbox
    assert f'href="/beteiligungen/{asked.pk}/"' in inbox
    assert f"{participating.paper.reference} – {participating.paper.name}" in inbox
    assert f"(bis {asked.due_date:%d.%m.%Y})" in inbox
    colleague.post(f"/beteiligungen/{asked.pk}/", {"agree": "1"})
    assert f"/beteiligungen/{asked.pk}/" not in colleague.get("/aufgaben/").content.decode()


def _open_by_hand(office, upload, **fields):
    return client_for(office.officer).post(
        "/vorgaenge/neu/",
        {"name": "X", "reference": "E-9/26", "paper_type": "Beschlussvorlage", "draft_pdf": upload}
        | fields,
    )


def test_a_file_named_pdf_that_is_not_a_pdf_is_refused(office):
    upload = SimpleUploadedFile("entwurf.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = _open_by_hand(office, upload)
    assert response.status_code == 200
    assert "ist aber keine PDF-Datei" in response.content.decode()
    assert not Review.objects.filter(paper__reference="E-9/26").exists()


@pytest.mark.parametrize("field", ["name", "reference"])
def test_names_with_hidden_text_direction_characters_are_refused(office, field):
    upload = SimpleUploadedFile("entwurf.pdf", PDF, "application/pdf")
    response = _open_by_hand(office, upload, **{field: "rechnung\u202efdp.exe"})
    assert response.status_code == 200
    assert "unsichtbare Schreibrichtungszeichen" in response.content.decode()
    assert not Review.objects.filter(paper__reference__in=["E-9/26", "rechnung\u202efdp.exe"])


def test_the_intake_service_refuses_file_names_with_hidden_direction_characters(office):
    # Django's upload parser already drops such characters; the service refuses them for
    # every other caller as well.
    from review import services

    upload = SimpleUploadedFile("rechnung\u202efdp.exe.pdf", PDF, "application/pdf")
    with pytest.raises(services.ReviewActionError) as refused:
        services.open_manual_review(
            name="X",
            reference="E-10/26",
            paper_type="Beschlussvorlage",
            paper_date=None,
            draft_pdf=upload,
            deadline=None,
            by=office.officer,
        )
    assert str(refused.value) == str(services.HIDDEN_DIRECTION_CHARACTERS)
    assert not File.objects.exists()
