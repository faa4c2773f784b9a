"""The report's Word template, uploaded on the statements' templates page through their checks."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from docx import Document as WordDocument

from review.documents import checks
from review.models import AuditEvent, ReportTemplate
from review.reports import services
from review.reports.templates import active_template
from tests import factories as f

from .conftest import PERIOD, Cases

pytestmark = pytest.mark.django_db
PAGE = "/verwaltung/dokumentvorlagen/"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _upload(client: Client, document: Any, name: str = "bericht.docx") -> Any:
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.name = name
    buffer.seek(0)
    return client.post(PAGE, {"kind": "situation_report", "file": buffer, "note": "Logo neu"})


def _with(*paragraphs: str) -> Any:
    document = WordDocument()
    for text in paragraphs:
        document.add_paragraph(text)
    return document


@pytest.fixture
def admin_client() -> Client:
    return f.logged_in_client(f.administrator())


def test_the_templates_page_offers_the_report_template(cases: Cases, admin_client: Client):
    html = admin_client.get(PAGE).content.decode()
    assert '<option value="situation_report">Situationsbericht</option>' in html
    assert 'id="situation-report"' in html
    assert "Platzhalter des Situationsberichts" in _text(html)
    # The old address of the upload leads there.
    old = admin_client.get("/bericht/vorlage/")
    assert old["Location"] == f"{PAGE}#situation-report"


def test_an_edited_report_template_is_checked_and_then_used(
    cases: Cases, admin_client: Client, django_capture_on_commit_callbacks: Any, eager_tasks: None
):
    download = admin_client.get("/bericht/vorlage/situation_report.docx")
    bundled = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    edited = WordDocument(io.BytesIO(bundled))
    edited.paragraphs[0].text = "Landeshauptstadt {{ office.city }} – Integrationsbericht"
    response = _upload(admin_client, edited)
    assert response.status_code == 302
    page = admin_client.get(response["Location"]).content.decode()
    assert "Situationsbericht – Version 1 wurde geprüft und ist jetzt aktiv." in _text(page)
    assert "Version 1" in page.split('data-testid="report-template-versions"')[1]
    template = ReportTemplate.objects.get()
    assert template.is_active and template.version == 1
    event = AuditEvent.objects.get(verb="report_template.uploaded")
    assert event.details == {"version": 1, "note": "Logo neu"}
    with django_capture_on_commit_callbacks(execute=True):
        version = services.request_report(report_filter=PERIOD, filters={}, by=cases.officer)
    version.refresh_from_db()
    with default_storage.open(str(version.docx.name)) as stored:
        document = WordDocument(io.BytesIO(stored.read()))
    first = document.paragraphs[0].text
    assert first.startswith("Landeshauptstadt ") and first.endswith("– Integrationsbericht")
    assert "Sichtung und Stellungnahmen" in "\n".join(p.text for p in document.paragraphs)


def test_a_hostile_report_template_is_stopped_by_the_sandbox(cases: Cases, admin_client: Client):
    # Spelled so that no "__class__" appears in the Word text: only the sandbox can refuse it.
    hostile = _with("{{ sections }}", "{{ office|attr('_' ~ '_class_' ~ '_') }}")
    response = _upload(admin_client, hostile)
    assert response.status_code == 422
    text = _text(response.content.decode())
    assert "Die Vorlage wurde nicht übernommen." in text
    assert "Die Vorlage versucht, auf interne Python-Objekte zuzugreifen" in text
    assert not ReportTemplate.objects.exists()
    # The plain spelling is refused before anything is rendered, with the same message.
    response = _upload(admin_client, _with("{{ sections }} {{ office.__class__ }}"))
    assert checks.UNSAFE.format(detail="„{{ office.__class__“") in _text(response.content.decode())
    assert active_template().startswith(b"PK")  # still the bundled one


def test_a_report_template_without_its_sections_is_refused(cases: Cases, admin_client: Client):
    response = _upload(admin_client, _with("Stadt {{ office.city }}", "{{ period.start }}"))
    assert response.status_code == 422
    assert checks.MISSING_VARIABLES.format(names="„sections“") in _text(response.content.decode())
    assert not ReportTemplate.objects.exists()


def test_a_report_template_with_a_statement_placeholder_names_the_allowed_ones(
    cases: Cases, admin_client: Client
):
    response = _upload(admin_client, _with("{{ sections }} {{ paper.reference }}"))
    assert response.status_code == 422
    assert (
        "Die Vorlage verwendet unbekannte Platzhalter: „paper“. "
        "Erlaubt sind: office, document, period, filters, sections."
    ) in _text(response.content.decode())


def test_a_report_template_that_asks_for_gigabytes_is_stopped_by_the_limits(
    cases: Cases, admin_client: Client, settings: Any
):
    settings.DOCUMENT_RENDER_MEMORY_MB = 64
    response = _upload(admin_client, _with("{{ sections }}", "{{ 'x'|center(300000000) }}"))
    assert response.status_code == 422
    assert "zu viel Arbeitsspeicher (mehr als 64 MB)" in _text(response.content.decode())


def test_only_the_administration_uploads_report_templates(cases: Cases):
    officer = f.logged_in_client(cases.officer)
    response = _upload(officer, _with("{{ sections }}"))
    assert response.status_code == 403
    assert not ReportTemplate.objects.exists()
