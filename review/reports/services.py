"""Requesting a new version of the situation report."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from review.models import AuditEvent, AuditVerb, ReportDocument, User

from .figures import ReportFilter


@transaction.atomic
def request_report(
    *, report_filter: ReportFilter, filters: dict[str, str], by: User
) -> ReportDocument:
    # Serialised by the unique number: two requests at once make one of them retry.
    last = ReportDocument.objects.select_for_update().aggregate(n=Max("number"))["n"] or 0
    report_document = ReportDocument.objects.create(
        number=last + 1,
        period_start=report_filter.start,
        period_end=report_filter.end,
        filters={k: v for k, v in filters.items() if k not in {"von", "bis"}},
        created_by=by,
    )
    AuditEvent.record(
        AuditVerb.REPORT_REQUESTED,
        actor=by,
        obj=report_document,
        details={"number": report_document.number, "filters": filters},
    )
    from .tasks import generate_report

    transaction.on_commit(lambda: generate_report.delay(report_document.pk))
    return report_document
