"""Small OParl objects written for these tests, and a writer for fixture directories."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone

BASE = "https://ris.example.org/oparl"
SCHEMA = "https://schema.oparl.org/1.1/"
STAMP = "2026-03-01T10:00:00+01:00"


def oid(kind: str, key: str) -> str:
    return f"{BASE}/{kind}/{key}"


def org(key: str, name: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": oid("organizations", key),
        "type": SCHEMA + "Organization",
        "name": name,
        "created": STAMP,
        "modified": STAMP,
        **extra,
    }


def in_days(days: int, hour: int = 17) -> str:
    moment = timezone.localtime() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0).isoformat()


def meeting(key: str, start: str, orgs: list[str], **extra: Any) -> dict[str, Any]:
    return {
        "id": oid("meetings", key),
        "type": SCHEMA + "Meeting",
        "name": f"Sitzung {key}",
        "start": start,
        "organization": [oid("organizations", o) for o in orgs],
        "created": STAMP,
        "modified": STAMP,
        **extra,
    }


def agenda_item(key: str, meeting_key: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": oid("agendaitems", key),
        "type": SCHEMA + "AgendaItem",
        "meeting": oid("meetings", meeting_key),
        "number": key,
        "name": f"TOP {key}",
        "created": STAMP,
        "modified": STAMP,
        **extra,
    }


def consultation(
    key: str,
    meeting_key: str | None = None,
    orgs: tuple[str, ...] = (),
    agenda_key: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "id": oid("consultations", key),
        "type": SCHEMA + "Consultation",
        "organization": [oid("organizations", o) for o in orgs],
        "role": "Vorberatung",
        "created": STAMP,
        "modified": STAMP,
        **extra,
    }
    if meeting_key:
        obj["meeting"] = oid("meetings", meeting_key)
    if agenda_key:
        obj["agendaItem"] = oid("agendaitems", agenda_key)
    return obj


def paper(
    key: str, name: str, consultations: list[dict[str, Any]] | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "id": oid("papers", key),
        "type": SCHEMA + "Paper",
        "name": name,
        "reference": f"V-{key}",
        "paperType": "Beschlussvorlage",
        "date": timezone.localdate().isoformat(),
        "consultation": consultations or [],
        "created": STAMP,
        "modified": STAMP,
        **extra,
    }


def tombstone(kind: str, key: str, **extra: Any) -> dict[str, Any]:
    return {"id": oid(kind, key), "deleted": True, "modified": now_stamp(), **extra}


def now_stamp(offset_minutes: int = 0) -> str:
    moment = datetime.now().astimezone() + timedelta(minutes=offset_minutes)
    return moment.replace(microsecond=0).isoformat()


def write(
    root: Path,
    *,
    organizations: list[dict[str, Any]] | None = None,
    meetings: list[dict[str, Any]] | None = None,
    papers: list[dict[str, Any]] | None = None,
    routes: list[dict[str, Any]] | None = None,
    system: dict[str, Any] | None = None,
) -> Path:
    """One JSON file per object, as the Karlsruhe archive and the demo are laid out."""
    for folder, objects in (
        ("organizations", organizations),
        ("meetings", meetings),
        ("papers", papers),
    ):
        (root / folder).mkdir(parents=True, exist_ok=True)
        for path in (root / folder).glob("*.json"):
            path.unlink()
        for index, obj in enumerate(objects or []):
            (root / folder / f"{index:05d}.json").write_text(json.dumps(obj, ensure_ascii=False))
    (root / "body.json").write_text(json.dumps({"id": f"{BASE}/bodies/1", "name": "Teststadt"}))
    if routes is not None:
        (root / "_routes.json").write_text(json.dumps(routes))
    if system is not None:
        (root / "system.json").write_text(json.dumps(system))
    return root
