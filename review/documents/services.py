"""Requesting documents and managing template versions (actions with side effects)."""

from __future__ import annotations

import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from review.models import (
    AuditEvent,
    AuditVerb,
    Document,
    DocumentKind,
    DocumentTemplate,
    Review,
    StatementVersion,
    User,
)

from .checks import CheckResult, check_template
from .context import file_stem
from .rendering import BUNDLED_TEMPLATES, bundled_template

logger = logging.getLogger(__name__)

NO_STATEMENT = _("There is no version of the statement for this case yet.")
NOT_FAILED = _("This document has not failed; there is nothing to try again.")
NOT_NOT_AFFECTED = _("The case is not closed as “not affected”.")
TEMPLATE_REJECTED = _("The template was not taken over.")
# Stored in German like a note typed by a person; the list translates it when shown.
BUNDLED_NOTE = gettext_noop("mitgelieferte Vorlage")


class DocumentError(Exception):
    pass


class TemplateRejected(DocumentError):
    def __init__(self, result: CheckResult) -> None:
        super().__init__(TEMPLATE_REJECTED)
        self.result = result


def ensure_default_templates() -> None:
    """Registers the bundled docx_templates/ as version 1 of every kind that has no template yet."""
    for kind in BUNDLED_TEMPLATES:
        if DocumentTemplate.objects.filter(kind=kind).exists():
            continue
        data = bundled_template(kind)
        template = DocumentTemplate(
            kind=kind,
            version=1,
            sha256=hashlib.sha256(data).hexdigest(),
            note=BUNDLED_NOTE,
            check_report={"ok": True, "bundled": True},
        )
        template.file.save(BUNDLED_TEMPLATES[kind], ContentFile(data), save=False)
        try:
            with transaction.atomic():
                template.save()
        except IntegrityError:  # another process registered it first
            template.file.delete(save=False)


def active_template(kind: str) -> DocumentTemplate:
    ensure_default_templates()
    return DocumentTemplate.objects.active().get(kind=kind)


def upload_template(*, kind: str, data: bytes, by: User, note: str = "") -> DocumentTemplate:
    """Checks the file and, if it passes, makes it the active version of its kind."""
    result = check_template(data)
    if not result.ok:
        raise TemplateRejected(result)
    ensure_default_templates()
    with transaction.atomic():
        current = DocumentTemplate.objects.select_for_update().filter(kind=kind)
        version = (current.aggregate(Max("version"))["version__max"] or 0) + 1
        current.filter(is_active=True).update(is_active=False)
        template = DocumentTemplate(
            kind=kind,
            version=version,
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by=by,
            note=note,
            check_report=result.as_report(),
        )
        template.file.save(f"{kind}.docx", ContentFile(data), save=False)
        template.save()
        AuditEvent.record(
            AuditVerb.TEMPLATE_UPLOADED,
            actor=by,
            obj=template,
            details={"kind": kind, "version": version},
        )
    return template


def activate_template(*, template: DocumentTemplate, by: User) -> None:
    with transaction.atomic():
        DocumentTemplate.objects.filter(kind=template.kind, is_active=True).update(is_active=False)
        DocumentTemplate.objects.filter(pk=template.pk).update(is_active=True)
        AuditEvent.record(
            AuditVerb.TEMPLATE_ACTIVATED,
            actor=by,
            obj=template,
            details={"kind": template.kind, "version": template.version},
        )


def _queue(document: Document) -> None:
    from .tasks import generate_document

    Document.objects.filter(pk=document.pk).update(queued_at=timezone.now())
    document_id = document.pk
    transaction.on_commit(lambda: generate_document.delay(document_id))


def requeue_stale() -> int:
    """Puts documents whose job was lost back in the queue (beat, every two minutes). Running a
    job twice is harmless: generation keeps finished parts and claims its slots."""
    with transaction.atomic():
        stale = list(Document.objects.stale().select_for_update(skip_locked=True))
        for document in stale:
            _queue(document)
            AuditEvent.record(
                AuditVerb.DOCUMENTS_REQUEUED,
                actor_label="system",
                obj=document,
                review=document.review,
                details={"kind": document.kind, "number": document.number},
            )
    if stale:
        logger.warning("documents: re-queued %d document(s) whose job was lost", len(stale))
    return len(stale)


def _new_document(
    *, review: Review, kind: str, version: StatementVersion | None, by: User
) -> Document:
    last = Document.objects.filter(review=review, kind=kind).aggregate(Max("number"))
    number = (last["number__max"] or 0) + 1
    return Document.objects.create(
        review=review,
        statement_version=version,
        template=active_template(kind),
        kind=kind,
        number=number,
        file_stem=file_stem(review, kind, timezone.localdate()),
        created_by=by,
    )


def _kinds_for(review: Review) -> list[str]:
    kinds = [DocumentKind.COMMITTEE.value]
    if review.shared_with_beirat:
        kinds.append(DocumentKind.BEIRAT.value)
    return kinds


def request_documents(*, review: Review, by: User) -> list[Document]:
    """Creates the documents for the current statement version and queues them; idempotent."""
    statement = getattr(review, "statement", None)
    version = statement.current_version if statement is not None else None
    if version is None:
        raise DocumentError(NO_STATEMENT)
    ensure_default_templates()
    documents: list[Document] = []
    with transaction.atomic():
        # Serialises number allocation per review.
        Review.objects.select_for_update().filter(pk=review.pk).first()
        for kind in _kinds_for(review):
            existing = Document.objects.filter(statement_version=version, kind=kind).first()
            if existing is not None:
                # Asking again must not silently do nothing when the job was lost.
                if existing.is_stale:
                    _queue(existing)
                documents.append(existing)
                continue
            document = _new_document(review=review, kind=kind, version=version, by=by)
            AuditEvent.record(
                AuditVerb.DOCUMENTS_REQUESTED,
                actor=by,
                obj=document,
                review=review,
                details={"kind": kind, "number": document.number, "version": version.number},
            )
            _queue(document)
            documents.append(document)
    return documents


def request_not_affected_note(*, review: Review, by: User) -> Document:
    if review.status != Review.Status.NOT_AFFECTED:
        raise DocumentError(NOT_NOT_AFFECTED)
    ensure_default_templates()
    with transaction.atomic():
        Review.objects.select_for_update().filter(pk=review.pk).first()
        existing = Document.objects.filter(review=review, kind=DocumentKind.NOT_AFFECTED).first()
        if existing is not None:
            return existing
        document = _new_document(review=review, kind=DocumentKind.NOT_AFFECTED, version=None, by=by)
        AuditEvent.record(
            AuditVerb.DOCUMENTS_REQUESTED,
            actor=by,
            obj=document,
            review=review,
            details={"kind": document.kind, "number": document.number},
        )
        _queue(document)
    return document


def retry_document(*, document: Document, by: User) -> None:
    """Puts the failed part (Word or PDF), or a document whose job was lost, back in the queue;
    finished parts are kept."""
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        if not (
            locked.has_failed or locked.pdf_status == Document.PdfStatus.SKIPPED or locked.is_stale
        ):
            raise DocumentError(NOT_FAILED)
        updates: dict[str, object] = {"error": "", "finished_at": None}
        if locked.status == Document.Status.FAILED:
            updates["status"] = Document.Status.PENDING
        if locked.pdf_status in (Document.PdfStatus.FAILED, Document.PdfStatus.SKIPPED):
            updates["pdf_status"] = Document.PdfStatus.PENDING
        Document.objects.filter(pk=locked.pk).update(**updates)
        AuditEvent.record(
            AuditVerb.DOCUMENTS_RETRIED,
            actor=by,
            obj=locked,
            review=locked.review,
            details={"kind": locked.kind, "number": locked.number},
        )
        _queue(locked)
    document.refresh_from_db()


def documents_for_review(review: Review) -> list[Document]:
    """All document versions of the review, newest first (for the review page's partial). None
    without asking when the case was read with the flag `has_documents` and it is false."""
    if not getattr(review, "has_documents", True):
        return []
    return list(Document.objects.for_review(review).order_by("-created_at", "-number"))
