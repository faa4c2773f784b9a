"""The progress of a report being generated, polled by htmx as one table row."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from review.models import ReportDocument
from review.reports import generation, services
from tests import factories as f

from .conftest import PERIOD, Cases

pytestmark = pytest.mark.django_db
POLLING = 'hx-trigger="every 2s"'


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _requested(cases: Cases, capture: Any, **filters: str) -> ReportDocument:
    with capture():  # queued on commit, not run: the version waits
        return services.request_report(report_filter=PERIOD, filters=filters, by=cases.officer)


def _row(client: Client, version: ReportDocument) -> str:
    response = client.get(f"/bericht/dokumente/{version.pk}/stand/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    # Only the row: htmx swaps it in place of the old one.
    assert html.lstrip().startswith(
        f'<tr class="kern-table__row" id="report-document-{version.pk}"'
    )
    assert "<h1" not in html
    return html


def test_a_waiting_report_shows_zero_percent_and_keeps_asking(
    cases: Cases, django_capture_on_commit_callbacks: Any
) -> None:
    version = _requested(cases, django_capture_on_commit_callbacks)
    client = f.logged_in_client(f.head())
    html = _row(client, version)
    assert POLLING in html
    assert f'hx-get="/bericht/dokumente/{version.pk}/stand/"' in html
    assert '<progress max="100" value="0"' in html
    assert "wartet" in _text(html)
    assert "0 %" in _text(html)
    assert "/docx/" not in html
    # The list polls the same row.
    page = client.get("/bericht/dokumente/").content.decode()
    assert f'hx-get="/bericht/dokumente/{version.pk}/stand/"' in page


def test_a_running_report_shows_its_step_in_german(
    cases: Cases, django_capture_on_commit_callbacks: Any
) -> None:
    version = _requested(cases, django_capture_on_commit_callbacks)
    ReportDocument.objects.filter(pk=version.pk).update(
        status=ReportDocument.Status.RUNNING, progress=30, step="Word document with charts"
    )
    html = _row(f.logged_in_client(f.head()), version)
    assert POLLING in html
    assert '<progress max="100" value="30"' in html
    assert "30 % – Word-Dokument mit Grafiken" in _text(html)
    assert "/docx/" not in html


def test_a_finished_report_stops_polling_and_offers_the_downloads(
    cases: Cases, django_capture_on_commit_callbacks: Any
) -> None:
    version = _requested(cases, django_capture_on_commit_callbacks)
    assert generation.produce_report(report_document_id=version.pk) == "ready"
    html = _row(f.logged_in_client(f.head()), version)
    assert "hx-trigger" not in html
    assert "<progress" not in html
    for fmt in ("docx", "csv", "xlsx"):
        assert f'href="/bericht/dokumente/{version.pk}/{fmt}/"' in html
    assert "/pdf/" not in html  # no unoserver in these tests
    assert "Kein PDF/A" in _text(html)


def test_a_failed_report_says_so_in_german_and_loses_nothing(
    cases: Cases, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    earlier = _requested(cases, django_capture_on_commit_callbacks)
    generation.produce_report(report_document_id=earlier.pk)
    failing = _requested(cases, django_capture_on_commit_callbacks, thema="bildung")

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("Datenbank nicht erreichbar")

    monkeypatch.setattr(generation, "build_report", broken)
    assert generation.produce_report(report_document_id=failing.pk) == "failed"
    monkeypatch.undo()

    client = f.logged_in_client(f.head())
    html = _row(client, failing)
    assert "hx-trigger" not in html
    text = _text(html)
    assert "fehlgeschlagen" in text
    assert (
        "Der Bericht konnte nicht erstellt werden. Frühere Versionen bleiben erhalten, "
        "ebenso Zeitraum und Eingrenzung dieser: erstellen Sie ihn erneut."
    ) in text
    assert "Datenbank nicht erreichbar" in text
    assert "/docx/" not in html
    # Nothing lost: the earlier version still downloads ...
    download = client.get(f"/bericht/dokumente/{earlier.pk}/docx/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"PK")
    # ... and the failed one's period and filters come back with one button.
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    hidden.pop("csrfmiddlewaretoken")
    assert hidden == {"thema": "bildung", "von": "2026-01-01", "bis": "2026-06-30"}
    with django_capture_on_commit_callbacks():
        client.post("/bericht/dokument/", hidden)
    again = ReportDocument.objects.get(number=3)
    assert again.filters == {"thema": "bildung"}
    assert (again.period_start, again.period_end) == (PERIOD.start, PERIOD.end)


def test_the_progress_of_an_unknown_version_is_not_found(cases: Cases) -> None:
    assert f.logged_in_client(f.head()).get("/bericht/dokumente/999999/stand/").status_code == 404
