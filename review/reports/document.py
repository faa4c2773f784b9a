"""The situation report as a Word document: the office's template, charts as images, tables as
Word tables and a generated sentence per section.

Rendered through the statements' sandboxed Jinja environment and post-processing
(review/documents/rendering.py): autoescape, StrictUndefined, comments and personal metadata
removed, every XML part checked.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import cairosvg
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from docxtpl import InlineImage

from review.documents import rendering
from review.documents.limits import run_limited

from .charts import Chart
from .presentation import charts
from .summary import Report

# In a folder of its own: the statements' checks go over every .docx directly in docx_templates/.
TEMPLATE = Path(settings.BASE_DIR) / "docx_templates" / "reports" / "situation_report.docx"


def chart_png(chart: Chart) -> bytes:
    """The page's SVG drawn at twice its size, sharp enough for print."""
    svg = render_to_string("reports/_chart.svg", {"chart": chart})
    png = cairosvg.svg2png(bytestring=svg.encode(), output_width=chart.width * 2)
    assert png is not None
    return png


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "–"
    text = f"{value:.1f}".replace(".", ",")
    return f"{text} {unit}".strip()


def _percent(rate: float | None) -> str:
    return "–" if rate is None else f"{round(rate * 100)} %"


def sections(report: Report) -> list[dict[str, Any]]:
    """Heading, generated sentence and table of each section (German: the document is)."""
    c = report.counts
    recommendations = [(label, n) for _key, label, n in report.recommendations]
    return [
        {
            "heading": "Sichtung und Stellungnahmen",
            "text": (
                f"Im Berichtszeitraum wurden {c['all']} Vorlagen zur Prüfung vorgeschlagen und "
                f"{c['screened']} gesichtet; {c['relevant']} betrafen die Integration, "
                f"{c['not_affected']} wurden mit „keine Betroffenheit“ abgeschlossen. "
                f"Zu {c['released']} Vorlagen gab das Büro eine Stellungnahme ab."
            ),
            "chart": "topics",
            "rows": [
                ["Kennzahl", "Anzahl"],
                ["vorgeschlagen", c["all"]],
                ["gesichtet", c["screened"]],
                ["relevant", c["relevant"]],
                ["keine Betroffenheit", c["not_affected"]],
                ["Sichtung offen", c["triage_open"]],
                *[[f"Empfehlung: {label}", n] for label, n in recommendations],
            ],
        },
        {
            "heading": "Rechtzeitigkeit",
            "text": (
                f"{c['on_time']} von {c['on_time'] + c['late']} Stellungnahmen lagen dem "
                f"Gremium vor seiner Sitzung vor ({_percent(report.on_time_rate)}); beim Beirat "
                f"waren es {c['beirat_on_time']} von {c['beirat_on_time'] + c['beirat_late']} "
                f"({_percent(report.beirat_on_time_rate)})."
            ),
            "chart": "months",
            "rows": [
                ["Kennzahl", "Anzahl"],
                ["rechtzeitig beim Gremium", c["on_time"]],
                ["zu spät oder nicht versandt", c["late"]],
                ["rechtzeitig beim Beirat", c["beirat_on_time"]],
                ["zu spät für den Beirat", c["beirat_late"]],
                ["Voten des Beirats erbeten", c["votes_requested"]],
                ["Voten abgegeben", c["votes_given"]],
                ["Voten rechtzeitig", c["votes_in_time"]],
                ["Voten verspätet", c["votes_late"]],
            ],
        },
        {
            "heading": "Umsetzung der Empfehlungen",
            "text": (
                f"Von {c['followed'] + c['partly'] + c['not_followed']} Beschlüssen folgten "
                f"{c['followed']} der Empfehlung des Büros, {c['partly']} teilweise und "
                f"{c['not_followed']} nicht ({_percent(report.follow_rate)} gefolgt)."
            ),
            "chart": "follow",
            "rows": [
                ["Gremium", "gefolgt", "teilweise", "nicht gefolgt", "Quote"],
                *[
                    [b.name, b.followed, b.partly, b.not_followed, _percent(b.follow_rate)]
                    for b in report.by_organization
                ],
            ],
        },
        {
            "heading": "Dauer der Arbeitsschritte",
            "text": "Median und 90. Perzentil der Dauer je Schritt, in Tagen.",
            "chart": None,
            "rows": [
                ["Schritt", "Vorgänge", "Median", "90. Perzentil"],
                *[
                    [s.label, s.count, _number(s.median_days), _number(s.p90_days)]
                    for s in report.steps
                ],
            ],
        },
        {
            "heading": "Beschlusskontrolle",
            "text": (
                "Stand der Umsetzungskontrollen zu den Vorgängen des Zeitraums: "
                + ", ".join(f"{label} {n}" for _key, label, n in report.follow_ups)
                + "."
            ),
            "chart": None,
            "rows": [["Status", "Anzahl"], *[[label, n] for _k, label, n in report.follow_ups]],
        },
    ]


def _table(tpl: rendering.OfficeDocxTemplate, rows: list[list[Any]]) -> Any:
    """A Word table with a repeated header row (accessibility: table header rows)."""
    subdoc = tpl.new_subdoc()
    table = subdoc.add_table(rows=0, cols=len(rows[0]))
    table.style = "Table Grid"
    for index, values in enumerate(rows):
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = str(value)
            if index == 0:
                for run in cell.paragraphs[0].runs:
                    run.bold = True
    header = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header.append(repeat)
    return subdoc


def render_report(
    report: Report, *, filters: str = "", template: bytes | None = None, on: date | None = None
) -> bytes:
    """The Word report; rendered in a child process under the statements' memory and time limits,
    since the template may be the office's upload (a few characters of Jinja can ask for GBs)."""
    return run_limited(_render_report, report, filters, template, on)


def _render_report(report: Report, filters: str, template: bytes | None, on: date | None) -> bytes:
    data = template or TEMPLATE.read_bytes()
    tpl = rendering.OfficeDocxTemplate(io.BytesIO(data))
    by_key = {chart.key: chart for chart in charts(report, lambda _key, _params: "")}
    context_sections = []
    for section in sections(report):
        chart = by_key.get(section["chart"] or "")
        image = None
        if chart is not None and not chart.is_empty:
            image = InlineImage(tpl, io.BytesIO(chart_png(chart)), width=Mm(160))
        context_sections.append(
            {
                "heading": section["heading"],
                "text": section["text"],
                "chart": image,
                "table": _table(tpl, section["rows"]),
                "chart_title": chart.title if chart else "",
            }
        )
    office = settings.DOCUMENT_OFFICE
    context = {
        "office": {"city": office["city"], "name": office["name"]},
        "document": {"title": "Situationsbericht", "date": on or timezone.localdate()},
        "period": {"start": report.report_filter.start, "end": report.report_filter.end},
        "filters": filters,
        "sections": context_sections,
    }
    tpl.render(context, jinja_env=rendering.make_environment(), autoescape=True)
    document = tpl.docx
    rendering._strip_comments_and_revisions(document)
    # Each chart's alt text: its title (a data table follows it in the document).
    titles = iter(s["chart_title"] for s in context_sections if s["chart"] is not None)
    for doc_pr in document.part.element.iter(qn("wp:docPr")):
        doc_pr.set("descr", f"Diagramm: {next(titles, 'Diagramm')}")
    rendering._clean_properties(document, context)
    rendering._scrub_app_properties(document)
    buffer = io.BytesIO()
    tpl.save(buffer)
    result = buffer.getvalue()
    rendering.check_well_formed(result)
    return result
