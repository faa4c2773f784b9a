"""PDF/A-2b through a real unoserver: tagged, German, titled, fonts embedded; survives a kill."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage

from review.documents import generation, pdf, services
from review.models import Document
from tests import factories

from .conftest import ROOT, requires_libreoffice, requires_poppler

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.libreoffice,
    requires_libreoffice,
    requires_poppler,
]

FACTS = (
    "Die Verwaltung schlägt vor, die „Sprach-Kitas“ fortzuführen.\n"
    "Kosten & Nutzen <vorläufig> sind in Anlage 2 dargestellt."
)


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True, timeout=60).stdout


def _make_document(capture: Callable[..., Any], **version_fields: Any) -> Document:
    review = factories.make_review_with_statement(facts=FACTS, **version_fields)
    version = review.statement.current_version
    assert version is not None
    factories.make_change_proposal(version, proposal="Elternbriefe auf Türkisch.")
    with capture():
        [document] = services.request_documents(review=review, by=factories.head())
    with capture(execute=True):
        generation.produce_document(document_id=document.pk)
    document.refresh_from_db()
    return document


def test_the_statement_becomes_a_tagged_german_pdf_a_2b(
    unoserver: int, tmp_path: Path, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    document = _make_document(django_capture_on_commit_callbacks)
    assert document.pdf_status == Document.PdfStatus.DONE, document.error
    path = tmp_path / "statement.pdf"
    with document.pdf.open("rb") as handle:
        path.write_bytes(handle.read())

    info = _run("pdfinfo", str(path))
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert re.search(r"^Title:\s+Stellungnahme zur Vorlage V2345/24 – Sprachförderung", info, re.M)
    meta = _run("pdfinfo", "-meta", str(path))
    assert "<pdfaid:part>2</pdfaid:part>" in meta
    assert "<pdfaid:conformance>B</pdfaid:conformance>" in meta
    assert "<pdfuaid:part>1</pdfuaid:part>" in meta
    assert b"/Lang(de-DE)" in path.read_bytes()
    fonts = _run("pdffonts", str(path)).splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts

    text = " ".join(_run("pdftotext", str(path), "-").split())
    for expected in (
        "Stadt Musterstadt",
        "Stellungnahme zur Vorlage Nr. V2345/24",
        "die „Sprach-Kitas“ fortzuführen",
        "Kosten & Nutzen <vorläufig>",
        "Elternbriefe auf Türkisch.",
        "Im Auftrag",
        "Seite 1 von",
    ):
        assert expected in text, expected


def test_the_first_page_renders_as_an_image_for_the_preview(
    unoserver: int, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    from review.documents import preview

    document = _make_document(django_capture_on_commit_callbacks)
    image = preview.preview_image(document, 1)
    assert image is not None and image.startswith(b"\x89PNG")
    assert preview.preview_page_count(document) >= 1


def _office_processes(port: int) -> list[int]:
    """soffice.bin, the child of the oosplash launcher whose pid unoserver records."""
    # After a restart by an earlier test, unoserver writes the file only once LibreOffice is up.
    pid_file = ROOT / "var" / f"unoserver-{port}.pid.office"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if pid_file.exists() and (launcher := pid_file.read_text().strip()):
            found = subprocess.run(["pgrep", "-P", launcher], capture_output=True, text=True)
            if pids := [int(pid) for pid in found.stdout.split()]:
                return pids
        time.sleep(0.2)
    raise AssertionError(f"LibreOffice of unoserver on port {port} did not start")


def _kill(pids: list[int]) -> None:
    for pid in pids:
        os.kill(pid, signal.SIGKILL)


def test_killing_libreoffice_during_a_conversion_ends_with_one_pdf_on_retry(
    unoserver: int,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    real_convert = pdf.convert_to_pdf
    kills: list[int] = []

    def convert_while_killing(docx: bytes, **kwargs: Any) -> bytes:
        if not kills:
            victims = _office_processes(unoserver)
            assert victims, "no soffice.bin found"
            kills.extend(victims)
            # Kill LibreOffice while it is busy with our document.
            threading.Timer(0.05, _kill, (victims,)).start()
        return real_convert(docx, **kwargs)

    monkeypatch.setattr(pdf, "convert_to_pdf", convert_while_killing)
    long_text = "\n".join(f"Absatz {n}: {FACTS}" for n in range(120))
    document = _make_document(django_capture_on_commit_callbacks, assessment=long_text)

    assert kills, "LibreOffice was not killed"
    assert document.pdf_status == Document.PdfStatus.DONE, document.error
    assert document.attempts >= 2
    assert Document.objects.count() == 1
    _, files = default_storage.listdir(f"dokumente/{document.review_id}")
    assert sorted(files) == sorted(
        [f"001_{document.file_stem}.docx", f"001_{document.file_stem}.pdf"]
    )
    with document.pdf.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]
    assert pdf.is_available()


def test_a_hung_libreoffice_is_replaced_and_the_conversion_retried(
    unoserver: int,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    real_convert = pdf.convert_to_pdf
    frozen: list[int] = []

    def convert_with_a_frozen_office(docx: bytes, **kwargs: Any) -> bytes:
        if not frozen:
            frozen.extend(_office_processes(unoserver))
            for pid in frozen:
                os.kill(pid, signal.SIGSTOP)  # LibreOffice stops answering, like a hang
            return real_convert(docx, timeout=5)
        return real_convert(docx, **kwargs)  # the retry on a fresh LibreOffice: normal timeout

    monkeypatch.setattr(pdf, "convert_to_pdf", convert_with_a_frozen_office)
    try:
        document = _make_document(django_capture_on_commit_callbacks)
    finally:
        for pid in frozen:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    assert frozen
    assert document.pdf_status == Document.PdfStatus.DONE, document.error
    assert document.attempts >= 2
    assert pdf.is_available()


def test_the_officer_sees_the_preview_page_with_page_images(
    unoserver: int, client: Any, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    from django.urls import reverse

    document = _make_document(django_capture_on_commit_callbacks)
    client.force_login(factories.officer(username="preview-officer"))
    content = client.get(reverse("documents:preview", args=[document.pk])).content.decode()
    assert reverse("documents:preview_image", args=[document.pk, 1]) in content
    assert reverse("documents:download", args=[document.pk, "pdf"]) in content
    image = client.get(reverse("documents:preview_image", args=[document.pk, 1]))
    assert image["Content-Type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")
    missing = client.get(reverse("documents:preview_image", args=[document.pk, 9]))
    assert missing.status_code == 404
