"""Requesting, producing and retrying documents; without LibreOffice the .docx still arrives."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from docx import Document as WordDocument

from review import signals
from review.documents import generation, services
from review.models import AuditEvent, Document, DocumentTemplate, Review
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def received() -> Any:
    events: list[tuple[str, dict[str, Any]]] = []

    def ready(sender: object, **kwargs: Any) -> None:
        events.append(("ready", {k: v for k, v in kwargs.items() if k != "signal"}))

    def failed(sender: object, **kwargs: Any) -> None:
        events.append(("failed", {k: v for k, v in kwargs.items() if k != "signal"}))

    signals.documents_ready.connect(ready)
    signals.documents_failed.connect(failed)
    yield events
    signals.documents_ready.disconnect(ready)
    signals.documents_failed.disconnect(failed)


def _produce(documents: list[Document], capture: Callable[..., Any]) -> None:
    """Runs what the queued task would run (the worker test covers the real queue)."""
    for document in documents:
        with capture(execute=True):
            generation.produce_document(document_id=document.pk)
        document.refresh_from_db()


def _docx_text(document: Document) -> str:
    with document.docx.open("rb") as handle:
        doc = WordDocument(io.BytesIO(handle.read()))
    return "\n".join(p.text for p in doc.paragraphs)


def test_requesting_documents_queues_one_per_kind_on_commit(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    review = factories.make_review_with_statement()
    review.shared_with_beirat = True
    review.save()
    with django_capture_on_commit_callbacks() as callbacks:
        documents = services.request_documents(review=review, by=factories.head())
    assert [d.kind for d in documents] == ["committee", "beirat"]
    assert [d.number for d in documents] == [1, 1]
    assert len(callbacks) == 2
    assert all(d.statement_version == review.statement.current_version for d in documents)
    assert all(d.template.version == 1 and d.template.is_active for d in documents)


def test_requesting_again_for_the_same_version_creates_nothing_new(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    review = factories.make_review_with_statement()
    head = factories.head()
    with django_capture_on_commit_callbacks():
        first = services.request_documents(review=review, by=head)
    with django_capture_on_commit_callbacks() as callbacks:
        again = services.request_documents(review=review, by=head)
    assert [d.pk for d in again] == [d.pk for d in first]
    assert callbacks == []
    assert Document.objects.count() == 1


def test_a_new_statement_version_gets_the_next_document_number(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    review = factories.make_review_with_statement()
    head = factories.head()
    with django_capture_on_commit_callbacks():
        services.request_documents(review=review, by=head)
        factories.make_statement_version(review, head, facts="Neue Fassung.")
        [second] = services.request_documents(review=review, by=head)
    assert second.number == 2
    assert second.statement_version is not None and second.statement_version.number == 2


def test_without_a_statement_there_is_nothing_to_make() -> None:
    review = factories.make_review()
    with pytest.raises(services.DocumentError, match=str(services.NO_STATEMENT)):
        services.request_documents(review=review, by=factories.head())


def test_without_libreoffice_the_docx_is_made_and_documents_ready_fires(
    without_libreoffice: None,
    received: list[tuple[str, dict[str, Any]]],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    review = factories.make_review_with_statement(
        facts="Kosten & Nutzen <vorläufig>\nZweiter Absatz mit „Zitat“.",
    )
    version = review.statement.current_version
    assert version is not None
    factories.make_change_proposal(version, proposal="Mehrsprachige Elternbriefe.")
    with django_capture_on_commit_callbacks():
        documents = services.request_documents(
            review=review, by=factories.head(first_name="Jörg", last_name="Weiß")
        )
    _produce(documents, django_capture_on_commit_callbacks)
    [document] = documents
    assert document.status == Document.Status.READY
    assert document.pdf_status == Document.PdfStatus.SKIPPED
    assert "LibreOffice" in document.error and "nicht erreichbar" in document.error
    assert received == [("ready", {"review_id": review.pk})]
    text = _docx_text(document)
    assert "Kosten & Nutzen <vorläufig>" in text
    assert "Zweiter Absatz mit „Zitat“." in text
    assert "gez. Jörg Weiß" in text
    with document.docx.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == document.docx_sha256
    today = timezone.localdate().isoformat()
    assert document.docx_filename == f"V2345-24_Stellungnahme_Integration_{today}.docx"
    assert AuditEvent.objects.filter(verb="documents.generated", review=review).count() == 1


def test_a_template_that_fails_at_render_time_marks_the_document_failed(
    without_libreoffice: None,
    received: list[tuple[str, dict[str, Any]]],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    review = factories.make_review_with_statement()
    with django_capture_on_commit_callbacks():
        [document] = services.request_documents(review=review, by=factories.head())
    # A broken file behind the active template version (e.g. replaced on the file server).
    document.template.file.save("kaputt.docx", ContentFile(b"kein Word"), save=True)
    _produce([document], django_capture_on_commit_callbacks)
    assert document.status == Document.Status.FAILED
    assert document.error.startswith("Die Word-Datei konnte nicht erstellt werden")
    assert not document.docx
    assert received and received[0][0] == "failed"
    assert received[0][1]["document_id"] == document.pk


def test_retry_puts_a_failed_document_back_in_the_queue(
    without_libreoffice: None, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    review = factories.make_review_with_statement()
    head = factories.head()
    with django_capture_on_commit_callbacks():
        [document] = services.request_documents(review=review, by=head)
    Document.objects.filter(pk=document.pk).update(status=Document.Status.FAILED, error="x")
    document.refresh_from_db()
    with django_capture_on_commit_callbacks() as callbacks:
        services.retry_document(document=document, by=head)
    assert len(callbacks) == 1
    assert document.status == Document.Status.PENDING and document.error == ""
    _produce([document], django_capture_on_commit_callbacks)
    assert document.status == Document.Status.READY
    assert Document.objects.count() == 1


def test_retry_of_a_finished_document_is_refused(
    without_libreoffice: None, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    review = factories.make_review_with_statement()
    with django_capture_on_commit_callbacks():
        [document] = services.request_documents(review=review, by=factories.head())
    Document.objects.filter(pk=document.pk).update(pdf_status=Document.PdfStatus.PENDING)
    with pytest.raises(services.DocumentError, match=str(services.NOT_FAILED)):
        services.retry_document(document=document, by=factories.head(username="head2"))


def test_producing_twice_keeps_one_file_per_document(
    without_libreoffice: None, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    review = factories.make_review_with_statement()
    with django_capture_on_commit_callbacks():
        [document] = services.request_documents(review=review, by=factories.head())
    _produce([document, document], django_capture_on_commit_callbacks)
    _, files = default_storage.listdir(f"dokumente/{review.pk}")
    assert files == [f"001_{document.file_stem}.docx"]
    assert AuditEvent.objects.filter(verb="documents.generated").count() == 1


def test_the_not_affected_note_is_made_once(
    without_libreoffice: None, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    review = factories.make_review(
        status=Review.Status.NOT_AFFECTED,
        close_reason="Betrifft nur die Straßenbeleuchtung.",
        closed_at=timezone.now(),
    )
    officer = factories.officer()
    with django_capture_on_commit_callbacks():
        note = services.request_not_affected_note(review=review, by=officer)
        again = services.request_not_affected_note(review=review, by=officer)
    assert again.pk == note.pk
    _produce([note], django_capture_on_commit_callbacks)
    assert note.status == Document.Status.READY
    assert "Begründung: Betrifft nur die Straßenbeleuchtung." in _docx_text(note)
    assert "Vermerk-keine-Betroffenheit" in note.docx_filename


def test_an_uploaded_template_becomes_the_active_version_and_the_old_one_stays(
    without_libreoffice: None, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    admin = factories.administrator()
    data = services.bundled_template("committee")
    template = services.upload_template(kind="committee", data=data, by=admin, note="neues Logo")
    assert template.version == 2 and template.is_active
    assert DocumentTemplate.objects.get(kind="committee", version=1).is_active is False
    review = factories.make_review_with_statement()
    with django_capture_on_commit_callbacks():
        [document] = services.request_documents(review=review, by=factories.head())
    assert document.template == template


def test_a_rejected_upload_changes_nothing() -> None:
    admin = factories.administrator()
    with pytest.raises(services.TemplateRejected) as rejected:
        services.upload_template(kind="committee", data=b"kein Word", by=admin)
    assert rejected.value.result.errors
    assert not DocumentTemplate.objects.filter(version=2).exists()


def test_documents_for_review_lists_newest_first(
    without_libreoffice: None, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    review = factories.make_review_with_statement()
    head = factories.head()
    with django_capture_on_commit_callbacks():
        services.request_documents(review=review, by=head)
        factories.make_statement_version(review, head)
        services.request_documents(review=review, by=head)
    assert [d.number for d in services.documents_for_review(review)] == [2, 1]


def test_the_latest_finished_document_of_each_kind_is_found_for_dispatch(
    without_libreoffice: None, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    review = factories.make_review_with_statement()
    head = factories.head()
    with django_capture_on_commit_callbacks():
        [first] = services.request_documents(review=review, by=head)
    _produce([first], django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks():
        factories.make_statement_version(review, head)
        [second] = services.request_documents(review=review, by=head)
    finished = Document.objects.filter(review=review).finished()
    assert list(finished) == [first]  # the second is still being made
    assert Document.objects.filter(review=review).latest_per_kind() == [second]


def test_a_conversion_that_keeps_failing_is_recorded_with_a_retry_and_announced(
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
    received: list[tuple[str, dict[str, Any]]],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    from review.documents import pdf

    settings.DOCUMENT_PDF_RETRIES = 2
    restarts: list[bool] = []

    def broken(docx: bytes, **kwargs: Any) -> bytes:
        raise pdf.ConversionFailed("Zeitüberschreitung")

    def restart(*, force: bool = False) -> bool:
        restarts.append(force)
        return True

    monkeypatch.setattr(pdf, "convert_to_pdf", broken)
    monkeypatch.setattr(pdf, "restart_converter", restart)
    review = factories.make_review_with_statement()
    head = factories.head()
    with django_capture_on_commit_callbacks():
        [document] = services.request_documents(review=review, by=head)
    _produce([document], django_capture_on_commit_callbacks)

    assert document.status == Document.Status.READY  # the Word file is kept
    assert document.pdf_status == Document.PdfStatus.FAILED
    assert document.attempts == 3 and restarts == [True, True, True]
    assert document.error == pdf.FAILED.format(reason="Zeitüberschreitung")
    assert not document.pdf
    assert [name for name, _ in received] == ["failed"]
    with django_capture_on_commit_callbacks():
        services.retry_document(document=document, by=head)
    assert document.pdf_status == Document.PdfStatus.PENDING and document.docx
