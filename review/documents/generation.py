"""Producing one document version: render the .docx, convert to PDF/A, store both, announce.

Files are made completely in memory and checked before they are stored; the row points at a file
only after the file is complete, and a conditional UPDATE lets exactly one run claim the slot (a
redelivered task that loses the race deletes its own copy). So a killed LibreOffice or worker
never leaves a half-written file behind a document, and never a second version.
"""

from __future__ import annotations

import hashlib
import logging
import zipfile

import jinja2
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from docx.opc.exceptions import PackageNotFoundError
from jinja2.sandbox import SecurityError

from review import signals
from review.models import AuditEvent, AuditVerb, Document, DocumentKind

from . import pdf
from .context import build_context
from .rendering import RENDERERS, DocumentRenderError

logger = logging.getLogger(__name__)

RENDER_FAILED = "Die Word-Datei konnte nicht erstellt werden: {reason}"
# What the office sees instead of a library's English exception text (the log has the details).
TEMPLATE_VARIABLE_UNKNOWN = "Die Vorlage verwendet eine unbekannte Variable."
TEMPLATE_SYNTAX = "Die Vorlage enthält einen Fehler in Zeile {line}."
TEMPLATE_NOT_ALLOWED = "Die Vorlage verwendet eine nicht erlaubte Anweisung."
TEMPLATE_UNREADABLE = "Die Vorlagendatei ist keine lesbare Word-Datei."
UNEXPECTED = "Unerwarteter Fehler ({kind}); bitte die IT-Administration informieren."


def failure_reason(exc: Exception) -> str:
    """A German sentence for the officer; never the raw (English) text of a library."""
    if isinstance(exc, DocumentRenderError):
        return str(exc)
    if isinstance(exc, jinja2.UndefinedError):
        return TEMPLATE_VARIABLE_UNKNOWN
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return TEMPLATE_SYNTAX.format(line=exc.lineno)
    if isinstance(exc, SecurityError):
        return TEMPLATE_NOT_ALLOWED
    if isinstance(exc, (zipfile.BadZipFile, KeyError, PackageNotFoundError)):
        return TEMPLATE_UNREADABLE
    return UNEXPECTED.format(kind=type(exc).__name__)


def _storage_name(document: Document, extension: str) -> str:
    return f"dokumente/{document.review_id}/{document.number:03d}_{document.file_stem}.{extension}"


def _store(document: Document, field: str, data: bytes, extension: str, **updates: object) -> bool:
    """Stores the bytes and points the row at them, unless another run already did. True if ours."""
    name = default_storage.save(_storage_name(document, extension), ContentFile(data))
    digest = hashlib.sha256(data).hexdigest()
    claimed = Document.objects.filter(pk=document.pk, **{field: ""}).update(
        **{field: name, f"{field}_sha256": digest}, **updates
    )
    if not claimed:
        default_storage.delete(name)
        return False
    return True


def _fail(document: Document, message: str, **updates: object) -> None:
    with transaction.atomic():
        Document.objects.filter(pk=document.pk).update(error=message, **updates)
        AuditEvent.record(
            AuditVerb.DOCUMENTS_FAILED,
            actor_label="system",
            obj=document,
            review=document.review,
            details={"kind": document.kind, "number": document.number},
        )
        transaction.on_commit(
            lambda: signals.documents_failed.send(
                sender=Document,
                review_id=document.review_id,
                document_id=document.pk,
                error=message,
            )
        )


def _render_docx(document: Document) -> bool:
    # The documents go to German committees: choice labels in them stay German even when the
    # generation runs in the request of someone who chose the English interface.
    with translation.override(settings.LANGUAGE_CODE):
        return _render_german_docx(document)


def _render_german_docx(document: Document) -> bool:
    context = build_context(
        review=document.review,
        kind=document.kind,
        version=document.statement_version,
        number=document.number,
        on=timezone.localdate(document.created_at),
        signatory=document.created_by,
    )
    try:
        data = RENDERERS[DocumentKind(document.kind)](
            context, template=document.template.file.read()
        )
    except Exception as exc:
        logger.warning("document %s: rendering failed: %r", document.pk, exc)
        _fail(
            document,
            RENDER_FAILED.format(reason=failure_reason(exc)),
            status=Document.Status.FAILED,
        )
        return False
    finally:
        document.template.file.close()
    _store(document, "docx", data, "docx", status=Document.Status.READY, error="")
    return True


def _convert_pdf(document: Document) -> None:
    document.refresh_from_db()
    with document.docx.open("rb") as handle:
        docx = handle.read()
    attempts = max(1, settings.DOCUMENT_PDF_RETRIES + 1)
    reason = ""
    for attempt in range(1, attempts + 1):
        Document.objects.filter(pk=document.pk).update(attempts=document.attempts + attempt)
        try:
            data = pdf.convert_to_pdf(docx)
        except pdf.ConverterUnavailable:
            # Not running (never started, crashed, or stopped after --stop-after): start it once.
            if attempt < attempts and pdf.restart_converter():
                continue
            Document.objects.filter(pk=document.pk).update(
                pdf_status=Document.PdfStatus.SKIPPED, error=pdf.UNAVAILABLE
            )
            return
        except pdf.ConversionFailed as exc:
            reason = str(exc)
            logger.warning(
                "document %s: conversion attempt %s failed: %s", document.pk, attempt, exc
            )
            pdf.restart_converter(force=True)
            continue
        _store(document, "pdf", data, "pdf", pdf_status=Document.PdfStatus.DONE, error="")
        return
    _fail(document, pdf.FAILED.format(reason=reason), pdf_status=Document.PdfStatus.FAILED)


def _announce_if_generation_finished(document: Document) -> None:
    """Announces from the state, not from the event: every run that finds the generation
    finished announces it, so a worker killed between the commit of "finished" and the signal
    is made good by the redelivered job (receivers are idempotent)."""
    review_id = document.review_id
    if document.statement_version_id is None:
        finished = document.is_finished
    else:
        finished = Document.objects.generation_is_finished(review_id)
    if finished:
        transaction.on_commit(
            lambda: signals.documents_ready.send(sender=Document, review_id=review_id)
        )


def produce_document(*, document_id: int) -> str:
    """Does whatever is still missing for the document; returns its final state for the logs."""
    document = Document.objects.select_related("review__paper", "template", "created_by").get(
        pk=document_id
    )
    if document.status == Document.Status.FAILED:
        return "failed"
    if not document.docx and not _render_docx(document):
        return "failed"
    document.refresh_from_db()
    if document.pdf_status == Document.PdfStatus.PENDING:
        _convert_pdf(document)
        document.refresh_from_db()
    with transaction.atomic():
        # Only the run that finishes the document records it; every run that finds it finished
        # announces it (see _announce_if_generation_finished).
        claimed = Document.objects.filter(pk=document.pk, finished_at__isnull=True).update(
            finished_at=timezone.now()
        )
        if claimed and document.is_finished:
            AuditEvent.record(
                AuditVerb.DOCUMENTS_GENERATED,
                actor_label="system",
                obj=document,
                review=document.review,
                details={
                    "kind": document.kind,
                    "number": document.number,
                    "pdf": document.pdf_status,
                    "docx_sha256": document.docx_sha256,
                },
            )
        if document.is_finished:
            _announce_if_generation_finished(document)
    return f"{document.status}/{document.pdf_status}"
