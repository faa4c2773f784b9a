"""Tolerant normalisation of OParl values: real endpoints send every shape imaginable.

Each function accepts whatever arrived and returns a clean value or an empty one; nothing here
raises on bad input, so one odd object never stops a run.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

# "(kein Text vorhanden)": vendors put this phrase where a text (e.g. an agenda item's result)
# is missing; stored as data it read as a committee's decision.
_EMPTY_MARKERS = {
    "n/a",
    "na",
    "-",
    "--",
    "null",
    "none",
    "k.a.",
    "(kein text vorhanden)",
    "kein text vorhanden",
}
# "+01::00" (ALLRIS) and other doubled colons in an offset.
_BROKEN_OFFSET = re.compile(r"([+-]\d{2}):+(\d{2})$")
_DOUBLE_SLASH = re.compile(r"(?<!:)/{2,}")
_REPEATED_EXTENSION = re.compile(r"(\.[A-Za-z0-9]{2,5})\1+$")
_MIME_ALIASES = {
    "pdf": "application/pdf",
    "application/octetstream": "application/octet-stream",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# Keys left out of the content hash: some vendors set them to "now" on every response.
_VOLATILE_KEYS = frozenset({"created", "modified"})


def text(value: Any, max_length: int | None = None) -> str:
    """A stripped string; "N/A", whitespace-only and non-strings become ""."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float):
        value = str(value)
    if not isinstance(value, str):
        return ""
    cleaned = " ".join(value.split()) if "\n" in value or "\t" in value else value.strip()
    if cleaned.lower() in _EMPTY_MARKERS:
        return ""
    return cleaned[:max_length] if max_length else cleaned


def long_text(value: Any) -> str:
    """Like text() but keeps line breaks inside (resolution texts)."""
    if not isinstance(value, str) or value.strip().lower() in _EMPTY_MARKERS:
        return ""
    return value.strip()


def flag(value: Any, default: bool = False) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "1", "ja", "yes"}:
        return True
    if isinstance(value, str) and value.strip().lower() in {"false", "0", "nein", "no"}:
        return False
    return default


def integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def as_list(value: Any) -> list[Any]:
    """An array stays an array; a single object or string becomes a one-element list."""
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    return [value]


def ref(value: Any) -> str | None:
    """A referenced object's id: the URL itself, or the `id` of an object sent in its place."""
    if isinstance(value, dict):
        value = value.get("id")
    cleaned = text(value)
    return cleaned or None


def refs(value: Any) -> list[str]:
    return [r for r in (ref(item) for item in as_list(value)) if r]


def _local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def moment(value: Any) -> datetime | None:
    """An aware datetime from ISO 8601 text, also from a bare date or a broken offset."""
    raw = text(value)
    if not raw:
        return None
    raw = _BROKEN_OFFSET.sub(r"\1:\2", raw.replace("Z", "+00:00").replace(" ", "T", 1))
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        try:
            parsed = datetime.combine(date.fromisoformat(raw[:10]), time())
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_local_tz())
    return parsed


def day(value: Any) -> date | None:
    """A date, also from a date-time sent in a date field."""
    raw = text(value)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        parsed = moment(raw)
        return parsed.date() if parsed else None


def url(value: Any) -> str:
    """A file URL without doubled slashes or repeated extensions (".pdf.pdf")."""
    raw = text(value)
    if not raw.lower().startswith(("http://", "https://")):
        return ""
    scheme, rest = raw.split("://", 1)
    rest = _DOUBLE_SLASH.sub("/", rest)
    rest = _REPEATED_EXTENSION.sub(r"\1", rest)
    return f"{scheme}://{rest}"[:2000]


def mime_type(value: Any) -> str:
    raw = text(value).split(";", 1)[0].strip().lower()
    return _MIME_ALIASES.get(raw, raw)[:200]


def ags(value: Any) -> str:
    """Amtlicher Gemeindeschlüssel: 8 digits; restores a lost leading zero, cuts extra digits."""
    digits = "".join(c for c in text(value) if c.isdigit())
    if not digits:
        return ""
    return digits.zfill(8)[:8] if len(digits) < 8 else digits[:8]


def content_hash(obj: Any) -> str:
    """SHA-1 over the object without volatile timestamps, stable under key order."""
    encoded = json.dumps(_stable(obj), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha1(encoded.encode(), usedforsecurity=False).hexdigest()


def _stable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _stable(v) for k, v in obj.items() if k not in _VOLATILE_KEYS}
    if isinstance(obj, list):
        return [_stable(v) for v in obj]
    return obj
