"""Fixtures of the archive tests: private media folder, the official xdomea schema, closed cases."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from lxml import etree

from review.archive import xdomea
from review.documents.services import active_template
from review.models import Document, Review, Role
from tests import factories as f

ROOT = Path(__file__).resolve().parents[3]
# Read in place from the shared input (never copied into the project).
SCHEMA = ROOT.parent / "shared" / "data" / "xdomea" / "xdomea_3.0.0" / "xdomea.xsd"
FAKE_PDF = b"%PDF-1.7\n% audit trail stand-in\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(tmp_path: Path, settings: Any) -> Path:
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    return media


@pytest.fixture(scope="session")
def xsd() -> etree.XMLSchema:
    if not SCHEMA.exists():
        pytest.skip(f"the xdomea 3.0.0 schemas are not at {SCHEMA} (shared input, not committed)")
    return xdomea.schema(SCHEMA)


@pytest.fixture
def converter(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """LibreOffice stands aside: the audit trail's .docx is kept and a fixed PDF returned."""
    converted: list[bytes] = []

    def convert(docx: bytes, *, timeout: float | None = None) -> bytes:
        converted.append(docx)
        return FAKE_PDF

    monkeypatch.setattr("review.archive.package.convert_to_pdf", convert)
    return converted


def closed_case(reference: str = "V0100/24", *, days_ago: int = 400, pdf: bool = True) -> Review:
    """A closed case with a released statement as .docx and PDF/A and one stored attachment."""
    author = f.make_user(role=Role.OFFICER, first_name="Olga", last_name="Officer")
    review = f.make_review_with_statement(author, reference=reference)
    version = review.statement.current_version
    document = Document(
        review=review,
        statement_version=version,
        template=active_template("committee"),
        kind="committee",
        number=1,
        file_stem=f"{reference.replace('/', '-')}_Stellungnahme_Integration",
        status=Document.Status.READY,
        pdf_status=Document.PdfStatus.DONE if pdf else Document.PdfStatus.SKIPPED,
        created_by=review.assignee,
        finished_at=timezone.now(),
    )
    docx_data = b"PK\x03\x04 statement " + reference.encode()
    document.docx.save("statement.docx", ContentFile(docx_data), save=False)
    document.docx_sha256 = hashlib.sha256(docx_data).hexdigest()
    if pdf:
        pdf_data = b"%PDF-1.7 Stellungnahme " + reference.encode() + b"\n%%EOF\n"
        document.pdf.save("statement.pdf", ContentFile(pdf_data), save=False)
        document.pdf_sha256 = hashlib.sha256(pdf_data).hexdigest()
    document.save()
    attachment = f.make_file(review.paper, "Beschlussvorlage", file_name="Beschlussvorlage.pdf")
    attachment.content.save("vorlage.pdf", ContentFile(b"%PDF-1.4 Vorlage " + reference.encode()))
    f.record_event("review.closed", review, review.assignee, reason="erledigt")
    Review.objects.filter(pk=review.pk).update(
        status=Review.Status.CLOSED, closed_at=timezone.now() - timedelta(days=days_ago)
    )
    review.refresh_from_db()
    return review


def evaluation(process_id: object, decisions: dict[object, str]) -> bytes:
    """The archive's 0502, as an archive system would send it."""
    objects = "".join(
        f"<xdomea:BewertetesObjekt><xdomea:ID>{record_id}</xdomea:ID>"
        f"<xdomea:Aussonderungsart><xdomea:Aussonderungsart><code>{code}</code>"
        "</xdomea:Aussonderungsart></xdomea:Aussonderungsart></xdomea:BewertetesObjekt>"
        for record_id, code in decisions.items()
    )
    return _message("Aussonderung.Bewertungsverzeichnis.0502", "0502", process_id, objects)


def receipt(process_id: object) -> bytes:
    """The archive's 0504."""
    return _message("Aussonderung.AnbietungEmpfangBestaetigen.0504", "0504", process_id, "")


def _message(element: str, code: str, process_id: object, body: str) -> bytes:
    party = (
        "<xdomea:Behoerdenkennung><xdomea:Behoerdenschluessel listURI='' listVersionID=''>"
        "<code>{0}</code></xdomea:Behoerdenschluessel></xdomea:Behoerdenkennung>"
    )
    confirm = "<xdomea:Empfangsbestaetigung>0</xdomea:Empfangsbestaetigung>" if body else ""
    return (
        f"<?xml version='1.0' encoding='UTF-8'?>"
        f"<xdomea:{element} xmlns:xdomea='urn:xoev-de:xdomea:schema:3.0.0'><xdomea:Kopf>"
        f"<xdomea:ProzessID>{process_id}</xdomea:ProzessID>"
        f"<xdomea:Nachrichtentyp><code>{code}</code></xdomea:Nachrichtentyp>"
        "<xdomea:Erstellungszeitpunkt>2026-12-01T10:00:00</xdomea:Erstellungszeitpunkt>"
        f"<xdomea:Absender>{party.format('archiv')}</xdomea:Absender>"
        f"<xdomea:Empfaenger>{party.format('stellwerk')}</xdomea:Empfaenger>"
        f"{confirm}</xdomea:Kopf>{body}</xdomea:{element}>"
    ).encode()
