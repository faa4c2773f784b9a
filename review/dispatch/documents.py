"""The one place that knows the documents app: which finished files a dispatch attaches."""

from __future__ import annotations

from dataclasses import dataclass, field

from review.models import Document, DocumentKind, Review

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

COMMITTEE = DocumentKind.COMMITTEE.value
BEIRAT = DocumentKind.BEIRAT.value


@dataclass(frozen=True)
class StoredFile:
    """A file in Django's default storage, as it will be attached."""

    path: str
    filename: str
    content_type: str

    @property
    def is_pdf(self) -> bool:
        return self.content_type == PDF

    def as_json(self) -> dict[str, str]:
        return {"path": self.path, "filename": self.filename, "content_type": self.content_type}


@dataclass(frozen=True)
class OutgoingDocument:
    """A finished statement document: its PDF (if LibreOffice made one) and its .docx."""

    kind: str
    statement_version_id: int
    document_id: int | None = None
    files: list[StoredFile] = field(default_factory=list)

    @property
    def key(self) -> str:
        # Unique per document: one document is mailed to one address once.
        if self.document_id is not None:
            return f"{self.kind}:{self.document_id}"
        return f"{self.kind}:version-{self.statement_version_id}"

    @property
    def pdf(self) -> StoredFile | None:
        return next((f for f in self.files if f.is_pdf), None)

    @property
    def docx(self) -> StoredFile | None:
        return next((f for f in self.files if f.content_type == DOCX), None)

    def files_for(self, *, wants_docx: bool) -> list[StoredFile]:
        """PDF for everyone; the .docx as well where wanted, or when there is no PDF."""
        chosen: list[StoredFile] = []
        if self.pdf is not None:
            chosen.append(self.pdf)
        if self.docx is not None and (wants_docx or self.pdf is None):
            chosen.append(self.docx)
        return chosen


def latest_documents(review: Review) -> list[OutgoingDocument]:
    """The finished committee and Beirat documents of the review's current statement version."""
    version = review.statement.current_version if hasattr(review, "statement") else None
    if version is None:
        return []
    found: dict[str, OutgoingDocument] = {}
    finished = (
        Document.objects.filter(
            review=review, statement_version=version, kind__in=[COMMITTEE, BEIRAT]
        )
        .finished()
        .order_by("kind", "-number")
    )
    for document in finished:
        if document.kind in found or not document.docx:
            continue
        files = [StoredFile(str(document.docx.name), document.docx_filename, DOCX)]
        if document.pdf_status == Document.PdfStatus.DONE and document.pdf:
            files.insert(0, StoredFile(str(document.pdf.name), document.pdf_filename, PDF))
        found[document.kind] = OutgoingDocument(
            kind=document.kind,
            statement_version_id=version.pk,
            document_id=document.pk,
            files=files,
        )
    return list(found.values())
