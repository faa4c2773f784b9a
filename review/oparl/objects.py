"""OParl objects → rows: one function per kind, built on the tolerant parsers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import parsing as p
from .adapters import VendorAdapter
from .tables import Item

ORGANIZATION_FIELDS = [
    "body_id",
    "name",
    "short_name",
    "organization_type",
    "classification",
    "start_date",
    "end_date",
]
MEETING_FIELDS = ["body_id", "name", "meeting_state", "cancelled", "start", "end", "location"]
AGENDA_ITEM_FIELDS = [
    "meeting_id",
    "number",
    "order",
    "name",
    "public",
    "result",
    "resolution_text",
]
PAPER_FIELDS = ["body_id", "name", "reference", "date", "paper_type", "originator"]
CONSULTATION_FIELDS = ["paper_id", "meeting_id", "agenda_item_id", "role", "authoritative", "order"]
FILE_FIELDS = [
    "paper_id",
    "meeting_id",
    "agenda_item_id",
    "is_main_file",
    "is_resolution_file",
    "name",
    "file_name",
    "mime_type",
    "date",
    "size",
    "access_url",
    "download_url",
    # A changed file is read again: its text is reset unless the source sends one.
    "text",
    "text_status",
]


class BadObject(ValueError):
    pass


def _common(raw: dict[str, Any]) -> dict[str, Any]:
    return {
        "oparl_created": p.moment(raw.get("created")),
        "oparl_modified": p.moment(raw.get("modified")),
        "web": p.url(raw.get("web")),
    }


def _id(raw: Any, fallback: str | None = None) -> str:
    if not isinstance(raw, dict):
        raise BadObject("Objekt ist kein JSON-Objekt")
    oid = p.ref(raw.get("id")) or fallback
    if not oid:
        raise BadObject("Objekt ohne id")
    return oid


def check_type(raw: dict[str, Any], expected: str) -> None:
    """Objects without type are accepted (tombstones, Sternberg); a wrong type is not."""
    given = p.text(raw.get("type"))
    if given and not given.rstrip("/").endswith("/" + expected):
        raise BadObject(f"Objekt vom Typ {given.rsplit('/', 1)[-1]} statt {expected}")


def organization(raw: Any, body_id: int | None) -> Item:
    oid = _id(raw)
    check_type(raw, "Organization")
    fields = {
        "body_id": body_id,
        "name": p.text(raw.get("name"), 500) or p.text(raw.get("shortName"), 500),
        "short_name": p.text(raw.get("shortName"), 200),
        "organization_type": p.text(raw.get("organizationType"), 200),
        "classification": p.text(raw.get("classification"), 200),
        "start_date": p.day(raw.get("startDate")),
        "end_date": p.day(raw.get("endDate")),
        **_common(raw),
    }
    return Item(oid, fields, p.content_hash(raw), p.flag(raw.get("deleted")), raw)


def file(raw: Any, fallback_id: str, *, main: bool = False, resolution: bool = False) -> Item:
    if isinstance(raw, str):
        # Only a URL where an object was expected: keep the reference as a bare entry.
        raw = {"id": raw}
    oid = _id(raw, fallback_id)
    size = p.integer(raw.get("size"))
    # OParl's optional File.text: when the source sends the text, nothing is downloaded.
    text = raw.get("text") if isinstance(raw.get("text"), str) else ""
    fields = {
        "is_main_file": main,
        "is_resolution_file": resolution,
        "agenda_item_id": None,
        "name": p.text(raw.get("name"), 500),
        "file_name": p.text(raw.get("fileName"), 500),
        "mime_type": p.mime_type(raw.get("mimeType")),
        "date": p.day(raw.get("date")),
        "size": size if size else None,  # size 0 means "unknown" at ALLRIS
        "access_url": p.url(raw.get("accessUrl")),
        "download_url": p.url(raw.get("downloadUrl")),
        "text": text.strip().replace("\x00", ""),
        "text_status": "from_source" if text.strip() else "pending",
        **_common(raw),
    }
    return Item(oid, fields, p.content_hash(raw), p.flag(raw.get("deleted")), raw)


def _files(raw: dict[str, Any], adapter: VendorAdapter, keys: list[tuple[str, bool]]) -> list[Item]:
    owner = _id(raw)
    items: list[Item] = []
    for key, main in keys:
        value = adapter.get(raw, key) if key == "auxiliaryFile" else raw.get(key)
        for index, entry in enumerate(p.as_list(value)):
            items.append(file(entry, f"{owner}#{key}-{index}", main=main))
    return items


@dataclass
class MeetingData:
    item: Item
    organizations: list[str]
    agenda_items: list[Item] = field(default_factory=list)
    files: list[Item] = field(default_factory=list)
    # (agenda item's OParl id, file): the decision document and attachments of each item.
    agenda_files: list[tuple[str, Item]] = field(default_factory=list)


def _location(value: Any) -> str:
    if not isinstance(value, dict):
        return ""  # a bare URL names a Location object we do not import
    kept: list[str] = []
    for part in (p.text(value.get(k)) for k in ("description", "room", "streetAddress")):
        # Vendors repeat room and street in the description ("Rathaus, Raum 101, Markt 1").
        if part and not any(_folded(part) in _folded(earlier) for earlier in kept):
            kept.append(part)
    return ", ".join(kept)[:500]


def _folded(text: str) -> str:
    return " ".join(text.casefold().replace(",", " ").split())


def meeting(raw: Any, body_id: int | None, adapter: VendorAdapter) -> MeetingData:
    oid = _id(raw)
    check_type(raw, "Meeting")
    start, end = p.moment(raw.get("start")), p.moment(raw.get("end"))
    if start and end and end < start:
        end = None
    fields = {
        "body_id": body_id,
        "name": p.text(raw.get("name"), 500),
        "meeting_state": p.text(raw.get("meetingState"), 200),
        "cancelled": p.flag(raw.get("cancelled")),
        "start": start,
        "end": end,
        "location": _location(raw.get("location")),
        **_common(raw),
    }
    data = MeetingData(
        Item(oid, fields, p.content_hash(raw), p.flag(raw.get("deleted")), raw),
        p.refs(adapter.get(raw, "organization")),
    )
    if data.item.deleted:
        return data
    for index, entry in enumerate(p.as_list(adapter.get(raw, "agendaItem"))):
        if isinstance(entry, str):
            continue  # a reference to an agenda item listed elsewhere (1.1 agendaItem list)
        item = agenda_item(entry, f"{oid}#agendaItem-{index}", index)
        data.agenda_items.append(item)
        if not item.deleted:
            data.agenda_files += [(item.oparl_id, f) for f in agenda_item_files(entry, adapter)]
    data.files = _files(
        raw,
        adapter,
        [
            ("invitation", False),
            ("resultsProtocol", False),
            ("verbatimProtocol", False),
            ("auxiliaryFile", False),
        ],
    )
    return data


def agenda_item(raw: Any, fallback_id: str, index: int) -> Item:
    oid = _id(raw, fallback_id)
    order = p.integer(raw.get("order"))
    fields = {
        "number": p.text(raw.get("number"), 100),
        "order": order if order is not None else index,
        "name": p.text(raw.get("name")),
        "public": p.flag(raw.get("public"), default=True),
        "result": p.text(raw.get("result"), 500),
        "resolution_text": p.long_text(raw.get("resolutionText")),
        **_common(raw),
    }
    return Item(oid, fields, p.content_hash(raw), p.flag(raw.get("deleted")), raw)


def agenda_item_files(raw: dict[str, Any], adapter: VendorAdapter) -> list[Item]:
    """The decision document (resolutionFile: what the outcome step needs) and attachments."""
    owner = _id(raw)
    items: list[Item] = []
    resolution = raw.get("resolutionFile")
    if resolution:
        items.append(file(resolution, f"{owner}#resolutionFile", resolution=True))
    for index, entry in enumerate(p.as_list(adapter.get(raw, "auxiliaryFile"))):
        items.append(file(entry, f"{owner}#auxiliaryFile-{index}"))
    return items


@dataclass
class ConsultationData:
    item: Item
    meeting: str | None
    agenda_item: str | None
    organizations: list[str]


@dataclass
class PaperData:
    item: Item
    organizations: list[str]
    consultations: list[ConsultationData] = field(default_factory=list)
    files: list[Item] = field(default_factory=list)


def paper(raw: Any, body_id: int | None, adapter: VendorAdapter) -> PaperData:
    oid = _id(raw)
    check_type(raw, "Paper")
    fields = {
        "body_id": body_id,
        "name": p.text(raw.get("name")) or p.text(raw.get("reference")),
        "reference": p.text(raw.get("reference"), 200),
        "date": p.day(raw.get("date")),
        "paper_type": p.text(raw.get("paperType"), 200),
        "originator": "",
        **_common(raw),
    }
    data = PaperData(
        Item(oid, fields, p.content_hash(raw), p.flag(raw.get("deleted")), raw),
        p.refs(raw.get("underDirectionOf")),
    )
    if data.item.deleted:
        return data
    for index, entry in enumerate(p.as_list(adapter.get(raw, "consultation"))):
        if not isinstance(entry, dict):
            continue  # a bare reference: the 1.1 consultation list would carry it
        cid = _id(entry, f"{oid}#consultation-{index}")
        item = Item(
            cid,
            {
                "role": p.text(entry.get("role"), 200),
                "authoritative": p.flag(entry.get("authoritative")),
                "order": index,
                **_common(entry),
            },
            p.content_hash(entry),
            p.flag(entry.get("deleted")),
            entry,
        )
        data.consultations.append(
            ConsultationData(
                item,
                p.ref(entry.get("meeting")),
                p.ref(entry.get("agendaItem")),
                p.refs(adapter.get(entry, "organization")),
            )
        )
    data.files = _files(raw, adapter, [("mainFile", True), ("auxiliaryFile", False)])
    return data
