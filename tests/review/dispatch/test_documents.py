"""Which of the documents app's documents a dispatch attaches, under which names."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.base import ContentFile

from review.dispatch import services
from review.dispatch.documents import latest_documents
from review.documents.services import active_template, ensure_default_templates
from review.models import Document
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


def _document(review, kind: str = "committee", *, number: int = 1, pdf: str = "done", **fields):
    ensure_default_templates()
    version = review.statement.current_version
    stem = f"V2345-24_Stellungnahme_{kind}_{number}"
    document = Document(
        review=review,
        statement_version=fields.pop("statement_version", version),
        template=active_template(kind),
        kind=kind,
        number=number,
        file_stem=stem,
        status=fields.pop("status", Document.Status.READY),
        pdf_status=pdf,
        created_by=review.statement.current_version.author,
        **fields,
    )
    if document.status == Document.Status.READY:
        document.docx.save(f"{stem}-abc.docx", ContentFile(b"PK\x03\x04 docx"), save=False)
        document.docx_sha256 = "d" * 64
    if pdf == Document.PdfStatus.DONE:
        document.pdf.save(f"{stem}-abc.pdf", ContentFile(b"%PDF-1.7 pdf"), save=False)
        document.pdf_sha256 = "p" * 64
    document.save()
    return document


@pytest.fixture
def review():
    return f.make_released_review(f.make_paper(reference="V2345/24"))


def test_the_finished_documents_of_the_current_version_are_attached(review) -> None:
    committee = _document(review)
    beirat = _document(review, "beirat", pdf=Document.PdfStatus.SKIPPED)
    found = {d.kind: d for d in latest_documents(review)}
    assert found["committee"].document_id == committee.pk
    assert [(s.filename, s.content_type) for s in found["committee"].files] == [
        ("V2345-24_Stellungnahme_committee_1.pdf", "application/pdf"),
        (
            "V2345-24_Stellungnahme_committee_1.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ]
    # No LibreOffice: the Beirat's document has a .docx only.
    assert [s.filename for s in found["beirat"].files] == ["V2345-24_Stellungnahme_beirat_1.docx"]
    assert found["beirat"].document_id == beirat.pk


def test_unfinished_documents_and_older_versions_are_not_attached(review) -> None:
    _document(review, status=Document.Status.PENDING, pdf=Document.PdfStatus.PENDING)
    assert latest_documents(review) == []
    old_version = review.statement.current_version
    _document(review, "beirat", number=1)
    f.make_statement_version(review, old_version.author)  # sent back and approved again
    assert latest_documents(review) == []


def test_dispatch_mails_the_documents_apps_files_by_default(
    review, django_capture_on_commit_callbacks
) -> None:
    committee = f.make_organization("Ausschuss für Soziales", email="soziales@stadt.example")
    f.make_consultation(review.paper, organization=committee)
    document = _document(review)
    with django_capture_on_commit_callbacks(execute=True):
        (dispatch,) = services.dispatch_statement(review=review, by=f.head())
    assert dispatch.document_id == document.pk
    assert dispatch.document_key == f"committee:{document.pk}"
    (message,) = mail.outbox
    assert [name for name, _c, _t in message.attachments] == [
        "V2345-24_Stellungnahme_committee_1.pdf"
    ]
