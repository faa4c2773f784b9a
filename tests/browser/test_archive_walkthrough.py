"""The demo walk-through of issue #18 in Chromium: on `make run`'s demo data the administrator
offers the closed cases to the archive, imports the archive's evaluation, downloads the package,
confirms the receipt, deletes the handed-over cases and finds the deletion record.

The archive's side (0502, 0504) is written by the test from what the page offered. LibreOffice
renders each archived case's audit trail to PDF/A, as in production. Screenshots of every step
in test-artifacts/screenshots/archiv-*.png.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from lxml import etree

from review.archive import xdomea
from review.audit.verification import verify_chain
from review.demo.users import DEMO_PASSWORD
from review.models import DeletionRecord, Handover, Review
from tests.review.archive.conftest import SCHEMA, evaluation, receipt
from tests.review.documents.conftest import (  # noqa: F401 (fixtures)
    requires_libreoffice,
    unoserver,
    unoserver_port,
)

from .conftest import axe_violations, requires_chromium, screenshot, sign_in

pytestmark = [
    pytest.mark.browser,
    requires_chromium,
    requires_libreoffice,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NS = {"x": xdomea.NS}
# What `make run` sets (Makefile): the demo's closed cases are all younger than a year.
DEMO_OFFER_AFTER_DAYS = 300
ARCHIVED = 2  # the archive keeps the first two offered cases and discards the others


def _download(page: Any, link_name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    path = info.value.path()
    return Path(path).read_bytes()


def _upload(page: Any, name: str, data: bytes, button: str) -> None:
    page.get_by_label("xdomea-Nachricht (.xml)").set_input_files(
        files=[{"name": name, "mimeType": "application/xml", "buffer": data}]
    )
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()


def _message(page: Any) -> str:
    return " ".join(page.locator(".kern-alert").all_inner_texts())


@pytest.mark.usefixtures("unoserver")  # LibreOffice renders the audit trails to PDF/A
def test_the_administrator_hands_the_demo_cases_to_the_archive_and_deletes_them(
    live_server: Any, browser_context: Any, settings: Any, tmp_path: Path
) -> None:
    if not SCHEMA.exists():
        pytest.skip(f"the xdomea 3.0.0 schemas are not at {SCHEMA} (shared input)")
    xsd = xdomea.schema(SCHEMA)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ARCHIVE_OFFER_AFTER_DAYS = DEMO_OFFER_AFTER_DAYS
    call_command("demo_data", stdout=io.StringIO())
    call_command("demo_workflows", stdout=io.StringIO())
    cases_before = Review.objects.count()
    base = live_server.url

    page = browser_context.new_page()
    sign_in(page, base, "admin", DEMO_PASSWORD)

    # 1. From the start page to the hand-over; the demo's old closed cases are due.
    page.get_by_role("link", name="Aussonderung an das Archiv").click()
    page.wait_for_load_state()
    due_text = page.get_by_text(re.compile("zur Anbietung an")).inner_text()
    due = int(re.search(r"\d+", due_text).group())  # type: ignore[union-attr]
    assert due >= 3, due_text
    assert "Noch keine Aussonderung" in page.content()
    screenshot(page, "archiv-1-liste")
    page.get_by_role("button", name="Anbieteverzeichnis erstellen (0501)").click()
    page.wait_for_load_state()
    assert f"{due} Vorg" in _message(page)
    handover = Handover.objects.get()
    screenshot(page, "archiv-2-angeboten")

    # 2. The offer list is schema-valid and names the cases; the archive answers with its 0502.
    offer = _download(page, "Anbieteverzeichnis (0501)")
    assert xdomea.validation_errors(offer, xsd) == []
    offered = etree.fromstring(offer).findall("x:Schriftgutobjekt/x:Vorgang", NS)
    assert len(offered) == due
    record_ids = [case.findtext("x:Identifikation/x:ID", namespaces=NS) for case in offered]
    decisions = {rid: "A" if n < ARCHIVED else "V" for n, rid in enumerate(record_ids)}
    answer = evaluation(handover.process_id, decisions)
    assert xdomea.validation_errors(answer, xsd) == []
    _upload(page, "bewertung.xml", answer, "Bewertung einlesen")
    assert "Die Bewertung wurde eingelesen." in _message(page)
    screenshot(page, "archiv-3-bewertet")

    # 3. The package: the message validates, every checksum matches, the page shows its hash.
    page.get_by_role("button", name="Paket bilden (0503)").click()
    page.wait_for_load_state()
    assert "Das Paket wurde gebildet" in _message(page), _message(page)
    data = _download(page, "Paket (0503, ZIP)")
    assert hashlib.sha256(data).hexdigest() in page.content()
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = package.namelist()
        message = package.read(f"{handover.process_id}_{xdomea.HANDOVER}.xml")
        assert xdomea.validation_errors(message, xsd) == []
        archived = etree.fromstring(message).findall(".//x:Vorgang", NS)
        assert len(archived) == ARCHIVED
        sums = package.read(f"{handover.process_id}_Pruefsummen.sha256").decode()
        listed = {}
        for line in sums.splitlines():
            digest, name = line.split("  ", 1)
            listed[name] = digest
            assert hashlib.sha256(package.read(name)).hexdigest() == digest, name
        assert set(listed) == set(names) - {f"{handover.process_id}_Pruefsummen.sha256"}
        pdfs = [name for name in names if name.endswith("_Protokoll.pdf")]
        assert len(pdfs) == ARCHIVED
        assert all(package.read(name).startswith(b"%PDF") for name in pdfs)
    screenshot(page, "archiv-4-paket")

    # 4. The receipt closes the hand-over; the cases may now be deleted.
    _upload(page, "empfang.xml", receipt(handover.process_id), "Empfangsbestätigung einlesen")
    assert "die Aussonderung ist abgeschlossen" in _message(page)
    screenshot(page, "archiv-5-abgeschlossen")
    page.get_by_role("link", name="Übergebene Vorgänge löschen").click()
    page.wait_for_load_state()
    assert "nicht rückgängig" in page.content()
    screenshot(page, "archiv-6-loeschen-bestaetigen")
    assert axe_violations(page) == []
    page.get_by_role("button", name=f"{due} Vorgänge jetzt löschen").click()
    page.wait_for_load_state()
    assert f"{due} Vorgänge gelöscht" in _message(page)
    assert Review.objects.count() == cases_before - due
    rows = page.locator("table tbody tr")
    assert rows.count() == due
    assert all("gelöscht" in text for text in rows.all_inner_texts())
    screenshot(page, "archiv-7-geloescht")
    assert axe_violations(page) == []

    # 5. The deletion record: class, number, rule, time; the audit chain still verifies.
    page.get_by_role("link", name="Löschprotokolle").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Aufbewahrung und Löschung").is_visible()
    record_row = page.locator("table").nth(1).locator("tbody tr").first.inner_text()
    assert "Vorgänge und Stellungnahmen" in record_row and str(due) in record_row
    assert str(handover.process_id) in record_row and "gelöscht" in record_row
    screenshot(page, "archiv-8-loeschnachweis")
    assert axe_violations(page) == []
    record = DeletionRecord.objects.get()
    assert (record.data_class, record.count) == ("cases", due)
    assert verify_chain().ok
