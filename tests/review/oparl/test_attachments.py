"""Attachment text: read from the source or from PDFs the fixture server serves; every
unreadable file recorded; a paper relevant only in its attachment proposed with the page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytest_django.fixtures import Settings

from review.models import File, Review
from review.oparl import attachments
from review.oparl.fixture_server import FixtureData, FixtureServer
from review.oparl.sync import run_sync
from tests.factories import make_source

from . import oparl_objects as o
from .pdfs import scanned_pdf, text_pdf

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]
Serve = Callable[..., FixtureServer]

REPORT = text_pdf(
    [
        ["Bericht zur Stadtentwicklung", "Inhaltsverzeichnis"],
        ["Ausgangslage und Ziele der Planung im Quartier"],
        [
            "Im Quartier leben viele Geflüchtete aus der Ukraine.",
            "Für die Flüchtlinge werden Beratungsangebote geschaffen.",
        ],
    ]
)


def file_entry(base: str, key: str, name: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": o.oid("files", key),
        "type": o.SCHEMA + "File",
        "name": name,
        "fileName": f"{key}.pdf",
        "mimeType": "application/pdf",
        "accessUrl": f"{base}/files/{key}.pdf",
        "downloadUrl": f"{base}/files/{key}.pdf",
        **extra,
    }


def council_with_files(root: Path, serve: Serve, settings: Settings) -> FixtureServer:
    settings.ATTACHMENT_FILES_PER_PAPER = 5
    settings.ATTACHMENT_MAX_BYTES = 4000
    (root / "files").mkdir(parents=True)
    (root / "files" / "bericht.pdf").write_bytes(REPORT)
    (root / "files" / "scan.pdf").write_bytes(scanned_pdf())
    (root / "files" / "gross.pdf").write_bytes(text_pdf([["Sehr lange Anlage"] * 40] * 10))
    (root / "files" / "kaputt.pdf").write_bytes(REPORT[:300])
    server = serve(root)
    base = server.base_url
    papers = [
        o.paper(
            "p1",
            "Rahmenplan Oststadt",
            mainFile=file_entry(base, "bericht", "Begründung"),
            auxiliaryFile=[
                file_entry(base, "scan", "Lageplan (Scan)"),
                file_entry(base, "gross", "Gutachten"),
                file_entry(base, "kaputt", "Anlage 4"),
                file_entry("https://fremd.example.net", "fremd", "Stellungnahme"),
            ],
        ),
        o.paper(
            "p2",
            "Haushaltsbericht",
            mainFile=file_entry(
                base, "ohne", "Bericht", text="Die Kosten der Sprachkurse steigen."
            ),
        ),
    ]
    o.write(root, organizations=[o.org("bau", "Bauausschuss")], papers=papers)
    server.data = FixtureData.load(root)  # the papers name the server's port, known only now
    return server


def test_attachment_texts_are_read_once_and_every_unreadable_file_is_recorded(
    tmp_path: Path, serve: Serve, settings: Settings, django_capture_on_commit_callbacks: Any
) -> None:
    server = council_with_files(tmp_path, serve, settings)
    source = make_source(system_url=server.system_url)
    with django_capture_on_commit_callbacks(execute=True):
        run_sync(source)

    files = {f.name: f for f in File.objects.all()}
    report = files["Begründung"]
    assert report.text_status == File.TextStatus.EXTRACTED
    assert "Im Quartier leben viele Geflüchtete aus der Ukraine." in report.text
    assert report.page_of(report.text.index("Geflüchtete")) == 3
    assert files["Lageplan (Scan)"].text_status == File.TextStatus.SCANNED
    assert files["Lageplan (Scan)"].text_error == attachments.SCANNED
    assert files["Gutachten"].text_status == File.TextStatus.TOO_LARGE
    assert files["Gutachten"].text_error == attachments.TOO_LARGE.format(limit=0)
    assert files["Anlage 4"].text_status == File.TextStatus.FAILED
    assert files["Anlage 4"].text_error.startswith("Die PDF-Datei ist beschädigt: ")
    assert files["Stellungnahme"].text_status == File.TextStatus.FOREIGN_HOST
    assert files["Stellungnahme"].text_error == attachments.FOREIGN_HOST.format(
        host="fremd.example.net"
    )
    assert (files["Bericht"].text_status, files["Bericht"].text) == (
        File.TextStatus.FROM_SOURCE,
        "Die Kosten der Sprachkurse steigen.",
    )
    downloads = [path for path in server.request_log if "/files/" in path]
    assert sorted(downloads) == [
        "/oparl/files/bericht.pdf",
        "/oparl/files/gross.pdf",
        "/oparl/files/kaputt.pdf",
        "/oparl/files/scan.pdf",
    ]

    # A second run downloads nothing again: the outcome is stored.
    with django_capture_on_commit_callbacks(execute=True):
        run_sync(source, full=True)
    assert [p for p in server.request_log if "/files/" in p] == downloads


def test_a_paper_relevant_only_in_its_attachment_is_proposed_with_the_page(
    tmp_path: Path, serve: Serve, settings: Settings, django_capture_on_commit_callbacks: Any
) -> None:
    server = council_with_files(tmp_path, serve, settings)
    with django_capture_on_commit_callbacks(execute=True):
        run_sync(make_source(system_url=server.system_url))

    review = Review.objects.get(paper__reference="V-p1")
    assert review.relevance_reasons == [
        "Geflüchtete — im Anhang „Begründung“, Seite 3: … Geflüchtete …"
    ]
    assert review.relevance_score == 35
    # A single mention of a strong term in a text stays below the threshold.
    assert not Review.objects.filter(paper__reference="V-p2").exists()


def test_without_attachment_reading_nothing_is_downloaded(
    tmp_path: Path, serve: Serve, settings: Settings, django_capture_on_commit_callbacks: Any
) -> None:
    server = council_with_files(tmp_path, serve, settings)
    settings.ATTACHMENT_TEXT_ENABLED = False
    with django_capture_on_commit_callbacks(execute=True):
        run_sync(make_source(system_url=server.system_url))
    assert not [p for p in server.request_log if "/files/" in p]
    assert File.objects.get(name="Begründung").text_status == File.TextStatus.PENDING
