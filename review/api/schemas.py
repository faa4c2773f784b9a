"""What the API returns: plain data, German data as it is, codes next to their labels.

The endpoints hand querysets to the schemas (so pagination slices in SQL); the resolvers read
the few values that do not sit on the row itself."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.urls import reverse
from ninja import Schema

from review.models import Consultation, Document, Paper, Review


class Committee(Schema):
    id: int
    name: str
    short_name: str


class ConsultationOut(Schema):
    committees: list[Committee]
    role: str
    meeting_date: datetime | None
    decision: str

    @staticmethod
    def resolve_committees(obj: Consultation) -> list[Any]:
        return list(obj.organizations.all())

    @staticmethod
    def resolve_meeting_date(obj: Consultation) -> datetime | None:
        return obj.meeting.start if obj.meeting else None

    @staticmethod
    def resolve_decision(obj: Consultation) -> str:
        return obj.agenda_item.result if obj.agenda_item else ""


class PaperOut(Schema):
    id: int
    reference: str
    title: str
    paper_type: str
    date: date | None
    is_public: bool
    consultations: list[ConsultationOut]

    @staticmethod
    def resolve_title(obj: Paper) -> str:
        return obj.name

    @staticmethod
    def resolve_consultations(obj: Paper) -> list[Consultation]:
        return list(obj.consultations.all())


class CaseOut(Schema):
    id: int
    paper_id: int
    reference: str
    title: str
    status: str
    status_label: str
    deadline: date | None
    topics: list[str]
    decision_result: str
    decided_at: datetime | None
    outcome: str
    updated_at: datetime

    @staticmethod
    def resolve_reference(obj: Review) -> str:
        return obj.paper.reference

    @staticmethod
    def resolve_title(obj: Review) -> str:
        return obj.paper.name

    @staticmethod
    def resolve_status_label(obj: Review) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_topics(obj: Review) -> list[str]:
        return [topic.name for topic in obj.topics.all()]


class DocumentOut(Schema):
    id: int
    kind: str
    number: int
    file_name: str
    docx_url: str | None
    pdf_url: str | None
    docx_sha256: str

    @staticmethod
    def resolve_file_name(obj: Document) -> str:
        return obj.file_stem

    @staticmethod
    def resolve_docx_url(obj: Document) -> str | None:
        return reverse("api:document_file", args=[obj.pk, "docx"]) if obj.docx else None

    @staticmethod
    def resolve_pdf_url(obj: Document) -> str | None:
        return reverse("api:document_file", args=[obj.pk, "pdf"]) if obj.pdf else None


class StatementOut(Schema):
    """The approved version of a released statement with its finished documents."""

    case_id: int
    reference: str
    title: str
    version: int
    recommendation: str
    recommendation_label: str
    recommendation_text: str
    facts: str
    assessment: str
    documents: list[DocumentOut]

    @staticmethod
    def resolve_case_id(obj: Review) -> int:
        return obj.pk

    @staticmethod
    def resolve_reference(obj: Review) -> str:
        return obj.paper.reference

    @staticmethod
    def resolve_title(obj: Review) -> str:
        return obj.paper.name

    @staticmethod
    def resolve_version(obj: Review) -> int:
        return _version(obj).number

    @staticmethod
    def resolve_recommendation(obj: Review) -> str:
        return _version(obj).recommendation

    @staticmethod
    def resolve_recommendation_label(obj: Review) -> str:
        return str(_version(obj).get_recommendation_display())

    @staticmethod
    def resolve_recommendation_text(obj: Review) -> str:
        return _version(obj).recommendation_text

    @staticmethod
    def resolve_facts(obj: Review) -> str:
        return _version(obj).facts

    @staticmethod
    def resolve_assessment(obj: Review) -> str:
        return _version(obj).assessment

    @staticmethod
    def resolve_documents(obj: Review) -> list[Document]:
        version = _version(obj)
        # `ready_documents` is prefetched by the endpoint: finished documents only.
        return [d for d in obj.ready_documents if d.statement_version_id == version.pk]  # type: ignore[attr-defined]


def _version(review: Review) -> Any:
    # Released reviews always have an approved version; the endpoint prefetches them all.
    prefetched = getattr(review.statement, "versions_newest_first", None)
    if prefetched is not None:
        return prefetched[0]
    return review.statement.current_version


class ErrorOut(Schema):
    detail: str
