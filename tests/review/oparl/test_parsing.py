"""Tolerant parsing: whatever arrives becomes a clean value or an empty one, never an error."""

from __future__ import annotations

from datetime import date

import pytest

from review.oparl import parsing as p
from review.oparl.client import format_since, unwrap_list, with_query


@pytest.mark.parametrize("raw", [None, "", "   ", "N/A", "n/a", "-", [], {"a": 1}, True])
def test_empty_or_placeholder_strings_become_empty(raw: object) -> None:
    assert p.text(raw) == ""


def test_names_lose_stray_whitespace_and_newlines() -> None:
    assert p.text("  Ausschuss für\nSoziales \n") == "Ausschuss für Soziales"
    assert p.text("x" * 600, 500) == "x" * 500


def test_dates_come_from_date_times_and_broken_offsets() -> None:
    assert p.day("2026-03-12T00:00:00+01:00") == date(2026, 3, 12)
    assert p.day("kein Datum") is None
    moment = p.moment("2026-03-12T17:00:00+01::00")
    assert moment is not None and moment.utcoffset().total_seconds() == 3600  # type: ignore[union-attr]
    assert p.moment("2026-03-12") is not None  # a bare date in a date-time field


def test_references_accept_objects_where_urls_were_expected() -> None:
    assert p.ref({"id": "https://x.example/o/1", "name": "embedded"}) == "https://x.example/o/1"
    assert p.refs(["https://x.example/o/1", {"id": "https://x.example/o/2"}, None, ""]) == [
        "https://x.example/o/1",
        "https://x.example/o/2",
    ]
    assert p.as_list({"id": "single"}) == [{"id": "single"}]


def test_file_urls_and_mime_types_are_normalised() -> None:
    assert p.url("https://x.example//a//b.pdf.pdf") == "https://x.example/a/b.pdf"
    assert p.url("") == "" and p.url("javascript:alert(1)") == ""
    assert p.mime_type("pdf") == "application/pdf"
    assert p.mime_type("application/octetstream; charset=UTF-8") == "application/octet-stream"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("5212000", "05212000"), (8212000, "08212000"), ("082120000000", "08212000"), ("", "")],
)
def test_ags_gets_its_leading_zero_back_and_extra_digits_cut(raw: object, expected: str) -> None:
    assert p.ags(raw) == expected


def test_content_hash_ignores_timestamps_and_key_order() -> None:
    one = {"id": "a", "name": "X", "modified": "2026-01-01", "consultation": [{"created": "1"}]}
    two = {"consultation": [{"created": "2"}], "modified": "2027-01-01", "name": "X", "id": "a"}
    assert p.content_hash(one) == p.content_hash(two)
    assert p.content_hash(one) != p.content_hash({**one, "name": "Y"})


def test_modified_since_never_carries_microseconds_and_is_encoded_per_source() -> None:
    moment = p.moment("2026-03-12T17:00:00.123456+01:00")
    assert moment is not None
    assert format_since(moment, "percent") == "2026-03-12T17:00:00+01:00"
    assert format_since(moment, "plain_utc") == "2026-03-12T16:00:00Z"
    merged = with_query(
        "https://x.example/papers.asp?body=1", {"modified_since": "a+b:c"}, "percent"
    )
    assert merged == "https://x.example/papers.asp?body=1&modified_since=a%2Bb%3Ac"


def test_list_pages_bare_arrays_and_lone_objects_unwrap() -> None:
    assert unwrap_list({"data": [{"id": 1}], "links": {"next": "n"}}) == ([{"id": 1}], "n")
    assert unwrap_list([]) == ([], None)
    assert unwrap_list({"id": "x", "type": "Paper"}) == ([{"id": "x", "type": "Paper"}], None)
    assert unwrap_list({"data": [], "links": None}) == ([], None)
