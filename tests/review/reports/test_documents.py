"""The report as Word (read back with python-docx), CSV and XLSX, made by the Celery task."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.storage import default_storage
from docx import Document as WordDocument
from openpyxl import load_workbook

from review.models import AuditEvent, ReportDocument
from review.reports import services
from review.reports.document import render_report
from review.reports.summary import build_report

from .conftest import PERIOD, Cases

pytestmark = pytest.mark.django_db


def _word(data: bytes):
    return WordDocument(io.BytesIO(data))


def test_the_word_report_has_a_sentence_a_chart_and_a_table_per_section(cases: Cases):
    document = _word(render_report(build_report(PERIOD)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Berichtszeitraum: 01.01.2026 bis 30.06.2026" in text
    assert "Im Berichtszeitraum wurden 9 Vorlagen zur Prüfung vorgeschlagen und 8 gesichtet" in text
    assert "6 von 7 Stellungnahmen lagen dem Gremium vor seiner Sitzung vor (86 %)" in text
    assert "Von 3 Beschlüssen folgten 1 der Empfehlung des Büros, 1 teilweise und 1 nicht" in text
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [
        "Sichtung und Stellungnahmen",
        "Rechtzeitigkeit",
        "Umsetzung der Empfehlungen",
        "Dauer der Arbeitsschritte",
        "Beschlusskontrolle",
    ]
    tables = document.tables
    assert len(tables) == 5
    first = [[cell.text for cell in row.cells] for row in tables[0].rows]
    assert first[0] == ["Kennzahl", "Anzahl"]
    assert ["gesichtet", "8"] in first
    timeliness = [[cell.text for cell in row.cells] for row in tables[1].rows]
    assert ["Voten rechtzeitig", "1"] in timeliness
    assert ["Voten verspätet", "1"] in timeliness
    committees = [[cell.text for cell in row.cells] for row in tables[2].rows]
    assert committees[1] == ["Ausschuss für Soziales", "1", "1", "1", "33 %"]
    # Three charts as images, each described by its title.
    pictures = document.inline_shapes
    assert len(pictures) == 3
    descriptions = [shape._inline.docPr.get("descr") for shape in pictures]
    assert "Diagramm: Umsetzungsquote nach Handlungsfeld" in descriptions
    assert document.core_properties.language == "de-DE"
    assert document.core_properties.title == "Situationsbericht"
    assert "Amtmann" not in text


def test_the_task_stores_a_numbered_version_with_word_csv_and_xlsx(
    cases: Cases, django_capture_on_commit_callbacks, eager_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.request_report(
            report_filter=PERIOD, filters={"von": "2026-01-01"}, by=cases.officer
        )
    first.refresh_from_db()
    assert (first.number, first.status, first.progress) == (1, "ready", 100)
    assert first.message.startswith("Kein PDF/A")  # no unoserver in the tests
    with default_storage.open(str(first.docx.name)) as stored:
        assert "Sichtung und Stellungnahmen" in "\n".join(
            p.text for p in _word(stored.read()).paragraphs
        )
    with default_storage.open(str(first.csv.name)) as stored:
        rows = list(csv.reader(io.StringIO(stored.read().decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["Vorlagen-Nr.", "Titel"]
    assert len(rows) == 10
    late = next(row for row in rows if row[1] == "Schulwegplanung")
    assert late[11] == "nein"
    on_time = next(row for row in rows if row[1] == "Sprachkurse")
    assert on_time[11] == "ja"
    with default_storage.open(str(first.xlsx.name)) as stored:
        sheet = load_workbook(io.BytesIO(stored.read())).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Vorlagen-Nr."
    assert {row[1] for row in values[1:]} >= {"Sprachkurse", "Kita-Ausbau"}
    with django_capture_on_commit_callbacks(execute=True):
        second = services.request_report(report_filter=PERIOD, filters={}, by=cases.officer)
    assert second.number == 2
    assert ReportDocument.objects.count() == 2
    assert AuditEvent.objects.filter(verb="report.generated").count() == 2


def test_the_office_requests_and_downloads_the_word_report(
    cases: Cases, django_capture_on_commit_callbacks, eager_tasks
):
    from tests import factories as f

    client = f.logged_in_client(f.head())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/bericht/dokument/", {"von": "2026-01-01", "bis": "2026-06-30", "thema": "bildung"}
        )
    assert response["Location"] == "/bericht/dokumente/"
    version = ReportDocument.objects.get()
    assert version.filters == {"thema": "bildung"}
    page = client.get("/bericht/dokumente/").content.decode()
    assert f"/bericht/dokumente/{version.pk}/docx/" in page
    download = client.get(f"/bericht/dokumente/{version.pk}/docx/")
    assert "Situationsbericht_2026-01-01_2026-06-30_v1.docx" in download["Content-Disposition"]
    text = "\n".join(p.text for p in _word(b"".join(download.streaming_content)).paragraphs)
    assert "Eingrenzung: Handlungsfeld Bildung" in text
    assert "wurden 5 Vorlagen" in text
    beirat = f.logged_in_client(f.beirat_member())
    assert beirat.get(f"/bericht/dokumente/{version.pk}/docx/").status_code == 403
