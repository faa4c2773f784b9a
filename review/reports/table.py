"""The report's underlying table, one row per case, as CSV and XLSX."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from review.models import Recommendation, Review

from . import counting
from .figures import ReportFilter

HEADER = [
    "Vorlagen-Nr.",
    "Titel",
    "Vorlagenart",
    "öffentlich",
    "Status",
    "Handlungsfelder",
    "angelegt am",
    "gesichtet am",
    "Empfehlung",
    "Sitzung des Gremiums",
    "an das Gremium versandt",
    "rechtzeitig beim Gremium",
    "interne Frist (Beirat)",
    "an den Beirat versandt",
    "Votum des Beirats erfasst",
    "Ergebnis",
]


def _local(value: datetime | None) -> datetime | None:
    # Spreadsheets know no time zones: local time without the zone.
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def rows(report_filter: ReportFilter) -> list[list[Any]]:
    # The same predicates as the report's counts (counting.py): one subquery per column.
    tests = counting.predicates(timezone.now(), timezone.localdate())
    is_on_time, is_late = tests["on_time"], tests["late"]
    cases = (
        report_filter.cases()
        .select_related("paper")
        .prefetch_related("topics")
        .order_by("created_at", "pk")
    )
    statuses = dict(Review.Status.choices)
    outcomes = dict(Review.Outcome.choices)
    recommendations = dict(Recommendation.choices)
    table = []
    for review in cases:
        row = {name: getattr(review, name) for name in counting.ROW_FIELDS}
        on_time = "ja" if is_on_time(row) else "nein" if is_late(row) else ""
        table.append(
            [
                review.paper.reference,
                review.paper.name,
                review.paper.paper_type,
                "ja" if review.paper.is_public else "nein",
                str(statuses.get(review.status, review.status)),
                ", ".join(topic.name for topic in review.topics.all()),
                _local(review.created_at),
                _local(review.triaged_at),
                str(recommendations.get(review.recommendation or "", "")),
                _local(review.committee_meeting),
                _local(review.first_clerk_sent),
                on_time,
                review.beirat_deadline,
                _local(review.first_beirat_sent),
                _local(review.vote_at),
                str(outcomes.get(review.outcome, "")) if review.outcome else "",
            ]
        )
    return table


def _text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")
    return "" if value is None else str(value)


def as_csv(table: list[list[Any]]) -> bytes:
    """Semicolons and a byte-order mark: what Excel in German settings opens directly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(HEADER)
    writer.writerows([_text(value) for value in row] for row in table)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(table: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Vorgänge"
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table:
        sheet.append(row)
    for column in "GHJKMNO":
        for cell in sheet[column][1:]:
            cell.number_format = "DD.MM.YYYY HH:MM" if column != "M" else "DD.MM.YYYY"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
