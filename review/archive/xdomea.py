"""The xdomea 3.0.0 messages of the Aussonderung: written (0501, 0503) and read (0502, 0504).

Only what the schema demands and what an archivist needs to decide is written: per case
(Vorgang) its identification, subject, reference, term and the documents it holds. Names and
other personal data of the staff stay out of the lists; the audit trail in the package names
who acted, as the record requires.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from lxml import etree

NS = "urn:xoev-de:xdomea:schema:3.0.0"
OFFER = "Aussonderung.Anbieteverzeichnis.0501"
EVALUATION = "Aussonderung.Bewertungsverzeichnis.0502"
HANDOVER = "Aussonderung.Aussonderung.0503"
# 0504 confirms the offer in xdomea; archives also answer the package with 0507 (received) or
# 0506 (imported). Each of them closes our hand-over: the brief of issue #18 names 0504.
RECEIPTS = {
    "Aussonderung.AnbietungEmpfangBestaetigen.0504",
    "Aussonderung.AussonderungImportBestaetigen.0506",
    "Aussonderung.AussonderungEmpfangBestaetigen.0507",
}
AUSSONDERUNGSART_LIST = "urn:xoev-de:xdomea:codeliste:aussonderungsart"
DATEIFORMAT_LIST = "urn:xoev-de:xdomea:codeliste:dateiformat"
# Codes of the Dateiformat list 1.0 for the files we hand over.
FORMAT_PDFA = "044"
FORMAT_PDF = "018"
FORMAT_CSV = "002"

NOT_XML = _("The file is not an XML message.")
WRONG_MESSAGE = _("The file is not an xdomea message of the expected type ({expected}).")
NO_PROCESS_ID = _("The message has no process ID (ProzessID).")
INVALID = _("The message does not conform to the xdomea schema: {error}")


class MessageError(ValueError):
    pass


@dataclass(frozen=True)
class PrimaryFile:
    """One file of a case in the package: its name in the ZIP and what it is."""

    document_id: uuid.UUID
    subject: str
    file_name: str
    format_code: str
    format_version: str
    dated: date


@dataclass(frozen=True)
class Record:
    """One case (Vorgang) as the messages describe it."""

    record_id: uuid.UUID
    subject: str
    reference: str
    began: date
    ended: date
    files: tuple[PrimaryFile, ...] = ()


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


def _sub(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, _q(name))
    if text is not None:
        element.text = text
    return element


def _code(parent: etree._Element, name: str, code: str, list_uri: str = "", version: str = ""):
    element = _sub(parent, name)
    if list_uri:
        element.set("listURI", list_uri)
        element.set("listVersionID", version)
    etree.SubElement(element, "code").text = code
    return element


def _party(parent: etree._Element, name: str, code: str, label: str) -> None:
    party = _sub(parent, name)
    key = _code(_sub(party, "Behoerdenkennung"), "Behoerdenschluessel", code)
    # Behoerdenschluessel is an open code list: the installation names its own keys.
    key.set("listURI", "")
    key.set("listVersionID", "")
    etree.SubElement(key, "name").text = label
    _sub(_sub(party, "Institution"), "Name", label)


def _header(root: etree._Element, process_id: uuid.UUID, message_code: str) -> etree._Element:
    header = _sub(root, "Kopf")
    _sub(header, "ProzessID", str(process_id))
    _code(header, "Nachrichtentyp", message_code)
    _sub(header, "Erstellungszeitpunkt", timezone.localtime().replace(microsecond=0).isoformat())
    _party(header, "Absender", settings.XDOMEA_SENDER_CODE, settings.XDOMEA_SENDER_NAME)
    _party(header, "Empfaenger", settings.XDOMEA_ARCHIVE_CODE, settings.XDOMEA_ARCHIVE_NAME)
    system = _sub(header, "SendendesSystem")
    _sub(system, "Produktname", "Stellwerk")
    return header


def _record(parent: etree._Element, record: Record, *, assessment: str, with_files: bool) -> None:
    case = _sub(_sub(parent, "Schriftgutobjekt"), "Vorgang")
    _sub(_sub(case, "Identifikation"), "ID", str(record.record_id))
    general = _sub(case, "AllgemeineMetadaten")
    _sub(general, "Betreff", record.subject[:2000])
    _sub(general, "Kennzeichen", record.reference)
    archival = _sub(case, "ArchivspezifischeMetadaten")
    _code(
        _sub(archival, "Aussonderungsart"),
        "Aussonderungsart",
        assessment,
        AUSSONDERUNGSART_LIST,
        "1.0",
    )
    _sub(case, "Typ", "Stellungnahme zu einer Ratsvorlage")
    _sub(case, "ZdA", "1")
    term = _sub(case, "Laufzeit")
    _sub(term, "Beginn", record.began.isoformat())
    _sub(term, "Ende", record.ended.isoformat())
    for primary in record.files:
        document = _sub(case, "Dokument")
        _sub(_sub(document, "Identifikation"), "ID", str(primary.document_id))
        _sub(_sub(document, "AllgemeineMetadaten"), "Betreff", primary.subject)
        _sub(document, "DatumDesSchreibens", primary.dated.isoformat())
        if with_files:
            version = _sub(document, "Version")
            _sub(version, "Nummer", "1")
            file_format = _sub(version, "Format")
            _code(file_format, "Name", primary.format_code, DATEIFORMAT_LIST, "1.0")
            _sub(file_format, "Version", primary.format_version)
            _sub(_sub(file_format, "Primaerdokument"), "Dateiname", primary.file_name)


def _serialise(root: etree._Element) -> bytes:
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    # Where the installation has the schemas, nothing invalid leaves.
    if settings.XDOMEA_SCHEMA and (errors := validation_errors(data, schema())):
        raise MessageError(str(INVALID).format(error=errors[0]))
    return data


def offer_list(process_id: uuid.UUID, records: list[Record]) -> bytes:
    """0501: the cases offered, each marked "B" (to be evaluated by the archive)."""
    root = etree.Element(_q(OFFER), nsmap={"xdomea": NS})
    header = _header(root, process_id, "0501")
    _sub(header, "Empfangsbestaetigung", "1")
    for record in records:
        _record(root, record, assessment="B", with_files=False)
    return _serialise(root)


def handover_message(process_id: uuid.UUID, records: list[Record]) -> bytes:
    """0503: the cases the archive chose, each with its primary files (named as in the ZIP)."""
    root = etree.Element(_q(HANDOVER), nsmap={"xdomea": NS})
    header = _header(root, process_id, "0503")
    _sub(header, "Importbestaetigung", "1")
    _sub(header, "RueckmeldungArchivkennung", "0")
    _sub(header, "Empfangsbestaetigung", "1")
    for record in records:
        _record(root, record, assessment="A", with_files=True)
    return _serialise(root)


def _parse(data: bytes, expected: set[str]) -> tuple[etree._Element, uuid.UUID]:
    try:
        # No network, no entities: the file comes from outside.
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise MessageError(NOT_XML) from exc
    name = etree.QName(root)
    if name.namespace != NS or name.localname not in expected:
        raise MessageError(str(WRONG_MESSAGE).format(expected=", ".join(sorted(expected))))
    process_id = root.findtext(f"{_q('Kopf')}/{_q('ProzessID')}")
    try:
        return root, uuid.UUID((process_id or "").strip())
    except ValueError as exc:
        raise MessageError(NO_PROCESS_ID) from exc


def read_evaluation(data: bytes) -> tuple[uuid.UUID, dict[uuid.UUID, str]]:
    """0502: the process ID and the archive's decision ("A" or "V") per record ID."""
    root, process_id = _parse(data, {EVALUATION})
    decisions: dict[uuid.UUID, str] = {}
    for evaluated in root.iterfind(_q("BewertetesObjekt")):
        record_id = evaluated.findtext(_q("ID")) or ""
        code = evaluated.findtext(f"{_q('Aussonderungsart')}/{_q('Aussonderungsart')}/code")
        try:
            decisions[uuid.UUID(record_id.strip())] = (code or "").strip()
        except ValueError as exc:
            raise MessageError(NO_PROCESS_ID) from exc
    return process_id, decisions


def read_receipt(data: bytes) -> uuid.UUID:
    """0504 (or 0506/0507): the process ID it confirms."""
    return _parse(data, RECEIPTS)[1]


def schema(path: Path | None = None) -> etree.XMLSchema:
    """The official schema (xdomea.xsd with its imports), for validating messages."""
    return etree.XMLSchema(etree.parse(str(path or settings.XDOMEA_SCHEMA)))


def validation_errors(data: bytes, xsd: etree.XMLSchema) -> list[str]:
    document = etree.fromstring(data)
    if xsd.validate(document):
        return []
    return [f"{error.line}: {error.message}" for error in xsd.error_log]


def as_date(value: datetime | date | None) -> date:
    if value is None:
        return timezone.localdate()
    if isinstance(value, datetime):
        return timezone.localtime(value).date()
    return value
