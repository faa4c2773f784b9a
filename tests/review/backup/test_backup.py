"""Backup → restore into a fresh database and storage → every SHA-256 and the audit chain."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection

from review.archive import services
from review.backup.restore import (
    NOT_EMPTY_MEDIA,
    RestoreError,
    check_backup,
    restore_backup,
    verify_installation,
)
from review.backup.snapshot import MANIFEST, SUMS, create_backup, sha256_of
from review.models import AuditEvent, Document
from tests import factories as f
from tests.conftest import requires_postgres
from tests.review.archive.conftest import closed_case, evaluation

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def media_root(tmp_path: Path, settings: Any) -> Path:
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    return media


def _some_records() -> None:
    admin = f.administrator()
    # One case already handed over and deleted: its audit events stay, naming a case id that
    # no longer exists, and the restored chain must still verify.
    closed_case("V0050/24")
    gone = services.offer_cases(by=admin)
    decisions: dict[object, str] = {gone.items.get().record_id: "V"}
    services.import_evaluation(handover=gone, data=evaluation(gone.process_id, decisions), by=admin)
    services.confirm_manually(handover=gone, by=admin)
    services.delete_handed_over_cases(handover=gone, by=admin)
    closed_case("V0100/24")
    closed_case("V0200/24")
    services.offer_cases(by=admin)


@pytest.mark.django_db
def test_the_backup_lists_every_part_with_its_checksum(tmp_path: Path, media_root: Path) -> None:
    _some_records()
    result = create_backup(tmp_path / "backups")
    manifest = json.loads((result.directory / MANIFEST).read_text())
    stored = sorted(
        p.relative_to(media_root).as_posix() for p in media_root.rglob("*") if p.is_file()
    )
    assert (
        sorted(
            name.removeprefix("media/") for name in manifest["files"] if name.startswith("media/")
        )
        == stored
    )
    assert result.files == len(stored) >= 6  # per case: docx, pdf, attachment; templates; 0501
    for name, entry in manifest["files"].items():
        assert sha256_of(result.directory / name) == entry["sha256"]
    sums = (result.directory / SUMS).read_text().splitlines()
    assert len(sums) == len(manifest["files"])
    assert manifest["migrations"]["review"].startswith("00")
    assert check_backup(result.directory) == []


@pytest.mark.django_db
def test_a_damaged_backup_is_found_and_not_restored(tmp_path: Path) -> None:
    _some_records()
    result = create_backup(tmp_path / "backups")
    document = next((result.directory / "media").rglob("*.pdf"))
    document.write_bytes(b"%PDF-1.7 changed")
    problems = check_backup(result.directory)
    assert problems == [
        f"{document.relative_to(result.directory).as_posix()}: Prüfsumme stimmt nicht"
    ]
    with pytest.raises(RestoreError, match="beschädigt"):
        restore_backup(
            result.directory,
            database=connection.settings_dict,
            vendor=connection.vendor,
            media_root=tmp_path / "elsewhere",
        )


@pytest.mark.django_db
def test_a_restore_refuses_a_media_folder_with_files(tmp_path: Path, media_root: Path) -> None:
    _some_records()
    result = create_backup(tmp_path / "backups")
    with pytest.raises(RestoreError) as error:
        restore_backup(
            result.directory,
            database=connection.settings_dict,
            vendor=connection.vendor,
            media_root=media_root,
        )
    assert str(error.value) == NOT_EMPTY_MEDIA.format(path=media_root)


@pytest.mark.django_db
def test_the_verification_finds_a_changed_document(media_root: Path) -> None:
    closed_case()
    assert verify_installation(media_root=media_root).ok
    document = Document.objects.get()
    Path(document.pdf.path).write_bytes(b"%PDF-1.7 changed")
    result = verify_installation(media_root=media_root)
    assert result.problems == [
        f"Dokument Nr. {document.pk}: SHA-256 von {document.pdf.name} stimmt nicht"
    ]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite copy; PostgreSQL below")
def test_on_sqlite_the_copy_is_one_consistent_database(tmp_path: Path) -> None:
    _some_records()
    result = create_backup(tmp_path / "backups")
    target = tmp_path / "restored.sqlite3"
    restore_backup(
        result.directory,
        database={"NAME": str(target)},
        vendor="sqlite",
        media_root=tmp_path / "restored-media",
    )
    with sqlite3.connect(target) as restored:
        events = restored.execute("SELECT count(*) FROM review_auditevent").fetchone()[0]
    assert events == AuditEvent.objects.count()


@pytest.fixture
def fresh_database() -> Iterator[dict[str, Any]]:
    """An empty PostgreSQL database next to the test database, dropped afterwards."""
    database = dict(connection.settings_dict)
    database["NAME"] = f"{database['NAME']}_restored"
    admin: dict[str, Any] = {
        "dbname": "postgres",
        "host": database.get("HOST") or None,
        "port": database.get("PORT") or None,
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
    }
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database["NAME"]}"')
        conn.execute(f'CREATE DATABASE "{database["NAME"]}"')
    try:
        yield database
    finally:
        with psycopg.connect(**admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database["NAME"]}" WITH (FORCE)')


def _manage(*args: str, database: dict[str, Any], media: Path) -> subprocess.CompletedProcess:
    url = (
        f"postgres://{database['USER']}:{database.get('PASSWORD') or ''}@"
        f"{database.get('HOST') or '127.0.0.1'}:{database.get('PORT') or 5432}/{database['NAME']}"
    )
    env = {**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": str(media), "REDIS_URL": ""}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_a_fresh_postgresql_and_storage_and_verifies(
    tmp_path: Path, fresh_database: dict[str, Any]
) -> None:
    _some_records()
    documents = Document.objects.count()
    events = AuditEvent.objects.count()
    result = create_backup(tmp_path / "backups")
    restored_media = tmp_path / "restored-media"

    restored = _manage(
        "restore", str(result.directory), database=fresh_database, media=restored_media
    )

    assert restored.returncode == 0, restored.stderr
    assert f"{documents} Dokumente" in restored.stdout
    assert f"Audit-Protokoll mit {events} Ereignissen intakt" in restored.stdout
    with psycopg.connect(
        dbname=fresh_database["NAME"],
        host=fresh_database.get("HOST") or None,
        port=fresh_database.get("PORT") or None,
        user=fresh_database.get("USER") or None,
        password=fresh_database.get("PASSWORD") or None,
    ) as conn:
        assert conn.execute("SELECT count(*) FROM review_auditevent").fetchone() == (events,)
        # The guards came back with the data: the audit table still refuses changes.
        with pytest.raises(psycopg.errors.RaiseException):
            conn.execute("UPDATE review_auditevent SET verb = 'x'")
    for document in Document.objects.all():
        assert sha256_of(restored_media / (document.pdf.name or "")) == document.pdf_sha256

    again = _manage(
        "restore", str(result.directory), database=fresh_database, media=tmp_path / "m2"
    )
    assert again.returncode != 0
    assert "nicht leer" in again.stderr
