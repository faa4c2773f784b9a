"""The 0503 hand-over package: one ZIP with the message, the primary files and their checksums.

Per case: the statement documents as PDF/A, the Vorlage's stored files, and the case's audit
trail twice, as PDF/A to read and as CSV to check (with each event's hashes). The ZIP also holds
`{ProzessID}_Pruefsummen.sha256` in `sha256sum -c` format, so the archive can verify every file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

import docx
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from review.documents.pdf import ConversionFailed, ConverterUnavailable, convert_to_pdf
from review.models import AuditEvent, Document, Handover, HandoverItem, Review

from . import xdomea

NO_PDF = _(
    "Case {reference}: the statement “{document}” has no PDF/A. Generate it on the case's "
    "documents page first, then build the package again."
)
NO_CONVERTER = _(
    "The audit trail could not be converted to PDF/A because LibreOffice (unoserver) is not "
    "reachable. Start it and try again."
)
CONVERSION_FAILED = _("The audit trail of case {reference} could not be converted to PDF/A.")
CHECKSUM_SUFFIX = "Pruefsummen.sha256"


class PackageError(Exception):
    pass


@dataclass
class Package:
    data: bytes
    sha256: str
    checksums: dict[str, str] = field(default_factory=dict)


def _document_id(record_id: uuid.UUID, key: str) -> uuid.UUID:
    # Derived, not stored: the same document gets the same ID in every build of the package.
    return uuid.uuid5(record_id, key)


def _safe(name: str) -> str:
    keep = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
    return keep.strip("._")[:120] or "Datei"


def audit_rows(review: Review) -> list[dict[str, str]]:
    events = AuditEvent.objects.filter(review=review).select_related("actor").order_by("id")
    return [
        {
            "id": str(event.pk),
            "zeitpunkt": timezone.localtime(event.created_at).isoformat(),
            "akteur": (event.actor.get_full_name() or event.actor.username)
            if event.actor
            else event.actor_label,
            "aktion": event.verb,
            "objekt": event.object_repr,
            "details": json.dumps(event.details, cls=DjangoJSONEncoder, ensure_ascii=False),
            "prev_hash": event.prev_hash,
            "hash": event.hash,
        }
        for event in events
    ]


def audit_csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(
        out,
        fieldnames=[
            "id",
            "zeitpunkt",
            "akteur",
            "aktion",
            "objekt",
            "details",
            "prev_hash",
            "hash",
        ],
        delimiter=";",
    )
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")  # BOM: spreadsheet programs then read UTF-8


def audit_docx(review: Review, rows: list[dict[str, str]]) -> bytes:
    document = docx.Document()
    document.core_properties.title = f"Protokoll des Vorgangs {review.paper.reference}"
    document.core_properties.language = "de-DE"
    document.add_heading(f"Protokoll des Vorgangs {review.paper.reference}", level=1)
    document.add_paragraph(review.paper.name)
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, title in zip(
        table.rows[0].cells, ["Zeitpunkt", "Akteur", "Aktion", "Objekt"], strict=True
    ):
        cell.text = title
    for row in rows:
        cells = table.add_row().cells
        cells[0].text = row["zeitpunkt"][:19].replace("T", " ")
        cells[1].text = row["akteur"]
        cells[2].text = row["aktion"]
        cells[3].text = row["objekt"]
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _audit_pdf(review: Review, rows: list[dict[str, str]]) -> bytes:
    try:
        return convert_to_pdf(audit_docx(review, rows))
    except ConverterUnavailable as exc:
        raise PackageError(NO_CONVERTER) from exc
    except ConversionFailed as exc:
        raise PackageError(str(CONVERSION_FAILED).format(reference=review.paper.reference)) from exc


def _case_files(
    item: HandoverItem,
) -> tuple[xdomea.Record, list[tuple[str, bytes]]]:
    review = item.review
    reference = review.paper.reference
    prefix = _safe(reference.replace("/", "-"))
    files: list[tuple[str, bytes]] = []
    primaries: list[xdomea.PrimaryFile] = []

    def add(key: str, subject: str, name: str, data: bytes, code: str, version: str, dated) -> None:
        document_id = _document_id(item.record_id, key)
        file_name = f"{document_id}_{_safe(name)}"
        files.append((file_name, data))
        primaries.append(
            xdomea.PrimaryFile(
                document_id, subject, file_name, code, version, xdomea.as_date(dated)
            )
        )

    for document in Document.objects.for_review(review).finished().order_by("kind", "number"):
        if document.pdf_status != Document.PdfStatus.DONE:
            raise PackageError(str(NO_PDF).format(reference=reference, document=document.file_stem))
        with document.pdf.open("rb") as handle:
            data = handle.read()
        add(
            f"document-{document.pk}",
            str(document),
            document.pdf_filename,
            data,
            xdomea.FORMAT_PDFA,
            "2b",
            document.finished_at or document.created_at,
        )
    for paper_file in review.paper.files.exclude(content=""):
        with paper_file.content.open("rb") as handle:
            data = handle.read()
        name = paper_file.file_name or PurePath(paper_file.content.name or "Anlage.pdf").name
        add(
            f"file-{paper_file.pk}",
            f"Anlage der Vorlage: {paper_file}",
            name,
            data,
            xdomea.FORMAT_PDF,
            "",
            paper_file.date or review.created_at,
        )
    rows = audit_rows(review)
    ended = review.closed_at or review.updated_at
    add("audit-pdf", "Protokoll des Vorgangs", f"{prefix}_Protokoll.pdf",
        _audit_pdf(review, rows), xdomea.FORMAT_PDFA, "2b", ended)  # fmt: skip
    add("audit-csv", "Protokoll des Vorgangs (Daten)", f"{prefix}_Protokoll.csv",
        audit_csv(rows), xdomea.FORMAT_CSV, "", ended)  # fmt: skip
    record = xdomea.Record(
        record_id=item.record_id,
        subject=f"Stellungnahme zur Vorlage {reference} – {review.paper.name}",
        reference=reference,
        began=xdomea.as_date(review.created_at),
        ended=xdomea.as_date(ended),
        files=tuple(primaries),
    )
    return record, files


def record_of(item: HandoverItem) -> xdomea.Record:
    """The case as the offer list describes it: metadata only, no files."""
    review = item.review
    return xdomea.Record(
        record_id=item.record_id,
        subject=f"Stellungnahme zur Vorlage {review.paper.reference} – {review.paper.name}",
        reference=review.paper.reference,
        began=xdomea.as_date(review.created_at),
        ended=xdomea.as_date(review.closed_at or review.updated_at),
    )


def build(handover: Handover) -> Package:
    items = handover.items.to_archive().select_related("review__paper").order_by("id")
    records: list[xdomea.Record] = []
    entries: list[tuple[str, bytes]] = []
    for item in items:
        record, files = _case_files(item)
        records.append(record)
        entries.extend(files)
    message = xdomea.handover_message(handover.process_id, records)
    entries.insert(0, (handover.file_name(xdomea.HANDOVER), message))
    checksums = {name: hashlib.sha256(data).hexdigest() for name, data in entries}
    listing = "".join(f"{digest}  {name}\n" for name, digest in checksums.items())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
        archive.writestr(f"{handover.process_id}_{CHECKSUM_SUFFIX}", listing)
    data = out.getvalue()
    return Package(data=data, sha256=hashlib.sha256(data).hexdigest(), checksums=checksums)
