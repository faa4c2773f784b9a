"""The report's PDF/A through a real unoserver, started as the statements' PDF tests start it."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from review.models import ReportDocument
from review.reports import services
from tests.review.documents.conftest import (
    media_root,
    requires_libreoffice,
    requires_poppler,
    unoserver,
    unoserver_port,
)

from .conftest import PERIOD, Cases

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.libreoffice,
    requires_libreoffice,
    requires_poppler,
]

# The fixtures (LibreOffice on a port of its own, a media folder per test) live with the
# statements' document tests; imported, pytest uses them here too.
__all__ = ["media_root", "unoserver", "unoserver_port"]


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True, timeout=60).stdout


def test_the_report_becomes_a_pdf_a_2b_with_its_sentences_and_tables(
    unoserver: int,
    cases: Cases,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Callable[..., Any],
    eager_tasks: None,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        version = services.request_report(report_filter=PERIOD, filters={}, by=cases.officer)
    version.refresh_from_db()
    assert version.status == ReportDocument.Status.READY
    assert version.message == ""  # no "Kein PDF/A"
    assert str(version.pdf.name).endswith(".pdf")
    path = tmp_path / "report.pdf"
    with version.pdf.open("rb") as handle:
        path.write_bytes(handle.read())

    info = _run("pdfinfo", str(path))
    assert re.search(r"^Title:\s+Situationsbericht$", info, re.M), info
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    meta = _run("pdfinfo", "-meta", str(path))
    assert "<pdfaid:part>2</pdfaid:part>" in meta
    assert "<pdfaid:conformance>B</pdfaid:conformance>" in meta
    fonts = _run("pdffonts", str(path)).splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts

    text = " ".join(_run("pdftotext", str(path), "-").split())
    for expected in (
        "Berichtszeitraum: 01.01.2026 bis 30.06.2026",
        "Im Berichtszeitraum wurden 9 Vorlagen zur Prüfung vorgeschlagen und 8 gesichtet",
        "6 von 7 Stellungnahmen lagen dem Gremium vor seiner Sitzung vor (86 %)",
        "Von 3 Beschlüssen folgten 1 der Empfehlung des Büros, 1 teilweise und 1 nicht",
        "Sichtung und Stellungnahmen",
        "Beschlusskontrolle",
    ):
        assert expected in text, expected
    # The tables, read as laid out on the page: a row of the follow rate by committee.
    laid_out = _run("pdftotext", "-layout", str(path), "-")
    layout = [" ".join(line.split()) for line in laid_out.splitlines()]
    # (LibreOffice wraps the committee's name in its narrow column.)
    assert "Ausschuss für 1 1 1 33 %" in layout, layout
    assert "gesichtet 8" in layout
    assert "rechtzeitig beim Gremium 6" in layout
    # The three charts came along as images.
    images = _run("pdfimages", "-list", str(path)).splitlines()[2:]
    assert len(images) >= 3, images
    assert "Amtmann" not in text
