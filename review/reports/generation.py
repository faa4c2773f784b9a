"""Producing one version of the situation report: figures, charts, Word, PDF/A, CSV and XLSX.

The row's progress and step are written as the work goes on, so the page can show them.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from review.documents import pdf
from review.models import AuditEvent, AuditVerb, ReportDocument

from . import table, templates
from .document import render_report
from .forms import ReportFilterForm
from .summary import build_report

logger = logging.getLogger(__name__)


def _progress(report_document: ReportDocument, percent: int, step: str) -> None:
    ReportDocument.objects.filter(pk=report_document.pk).update(progress=percent, step=step)


def _describe(form: ReportFilterForm) -> str:
    if not form.is_valid():
        return ""
    data = form.cleaned_data
    parts = [
        f"{label} {data[key]}"
        for key, label in [
            ("topic", "Handlungsfeld"),
            ("organization", "Gremium"),
            ("lead_office", "Federführung"),
            ("source", "Quelle"),
        ]
        if data.get(key)
    ]
    return ", ".join(parts)


def produce_report(*, report_document_id: int) -> str:
    report_document = ReportDocument.objects.get(pk=report_document_id)
    if report_document.status == ReportDocument.Status.READY:
        return "ready"
    ReportDocument.objects.filter(pk=report_document.pk).update(
        status=ReportDocument.Status.RUNNING
    )
    try:
        with translation.override("de"):
            _produce(report_document)
    except Exception as exc:
        logger.exception("situation report %s failed", report_document.number)
        with transaction.atomic():
            ReportDocument.objects.filter(pk=report_document.pk).update(
                status=ReportDocument.Status.FAILED, message=str(exc)[:500]
            )
            AuditEvent.record(
                AuditVerb.REPORT_FAILED, actor_label="system", obj=report_document, details={}
            )
        return "failed"
    return "ready"


def _produce(report_document: ReportDocument) -> None:
    form = ReportFilterForm.from_query(report_document.query_params)
    # Steps are stored as msgids and translated where shown: the page may be in English.
    _progress(report_document, 10, gettext_noop("Figures"))
    report = build_report(form.report_filter())
    _progress(report_document, 30, gettext_noop("Word document with charts"))
    docx = render_report(report, filters=_describe(form), template=templates.active_template())
    stem = report_document.file_stem
    files: dict[str, Any] = {"docx": ContentFile(docx, name=f"{stem}.docx")}
    _progress(report_document, 60, gettext_noop("PDF/A"))
    message = ""
    try:
        files["pdf"] = ContentFile(pdf.convert_to_pdf(docx), name=f"{stem}.pdf")
    except (pdf.ConverterUnavailable, pdf.ConversionFailed) as exc:
        message = f"Kein PDF/A: {exc}"[:500]
    _progress(report_document, 85, gettext_noop("Table as CSV and XLSX"))
    rows = table.rows(form.report_filter())
    files["csv"] = ContentFile(table.as_csv(rows), name=f"{stem}.csv")
    files["xlsx"] = ContentFile(table.as_xlsx(rows), name=f"{stem}.xlsx")
    with transaction.atomic():
        for field, content in files.items():
            getattr(report_document, field).save(content.name, content, save=False)
        report_document.status = ReportDocument.Status.READY
        report_document.progress = 100
        report_document.step = ""
        report_document.message = message
        report_document.finished_at = timezone.now()
        report_document.save()
        AuditEvent.record(
            AuditVerb.REPORT_GENERATED,
            actor_label="system",
            obj=report_document,
            details={"number": report_document.number, "pdf": "pdf" in files},
        )
