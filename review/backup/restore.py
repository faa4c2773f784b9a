"""`manage.py restore`: a backup into an empty installation, then proof that it is whole.

Restoring refuses a database that has tables or a media folder that has files: a restore never
mixes two states. Before anything is written, every part of the backup is checked against its
manifest; afterwards every stored document, template and package is checked against the SHA-256
the database holds for it, and the audit chain is verified.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from django.core.files.storage import FileSystemStorage

from review.models import AuditEvent, Document, DocumentTemplate, Handover

from .snapshot import FILES, MANIFEST, PG_DUMP, SQLITE_COPY, pg_environment, sha256_of

NO_MANIFEST = "{path} enthält keine Sicherung (manifest.json fehlt)."
DAMAGED = "Die Sicherung ist beschädigt: {problems}"
NOT_EMPTY_DB = "Die Zieldatenbank ist nicht leer; eine Wiederherstellung braucht eine leere."
NOT_EMPTY_MEDIA = (
    "Der Dateiordner {path} ist nicht leer; eine Wiederherstellung braucht einen leeren."
)
WRONG_VENDOR = "Die Sicherung stammt aus {backup}, das Ziel ist {target}."


class RestoreError(Exception):
    pass


@dataclass
class Verification:
    documents: int = 0
    files_checked: int = 0
    audit_events: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def read_manifest(source: Path) -> dict[str, Any]:
    try:
        return dict(json.loads((source / MANIFEST).read_text()))
    except FileNotFoundError as exc:
        raise RestoreError(NO_MANIFEST.format(path=source)) from exc


def check_backup(source: Path) -> list[str]:
    """Parts missing from the backup or not matching their checksum."""
    problems = []
    for name, entry in read_manifest(source)["files"].items():
        path = source / name
        if not path.is_file():
            problems.append(f"{name} fehlt")
        elif sha256_of(path) != entry["sha256"]:
            problems.append(f"{name}: Prüfsumme stimmt nicht")
    return problems


def _pg_is_empty(database: dict[str, Any]) -> bool:
    env = pg_environment(database)
    with (
        psycopg.connect(
            dbname=env["PGDATABASE"],
            host=env.get("PGHOST"),
            port=env.get("PGPORT"),
            user=env.get("PGUSER"),
            password=env.get("PGPASSWORD"),
        ) as conn,
        conn.cursor() as cursor,
    ):
        cursor.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        )
        row = cursor.fetchone()
    return row is not None and row[0] == 0


def restore_backup(
    source: Path, *, database: dict[str, Any], vendor: str, media_root: Path
) -> None:
    manifest = read_manifest(source)
    if problems := check_backup(source):
        raise RestoreError(DAMAGED.format(problems="; ".join(problems[:10])))
    if manifest["database"]["vendor"] != vendor:
        raise RestoreError(
            WRONG_VENDOR.format(backup=manifest["database"]["vendor"], target=vendor)
        )
    if media_root.exists() and any(media_root.iterdir()):
        raise RestoreError(NOT_EMPTY_MEDIA.format(path=media_root))
    if vendor == "postgresql":
        if not _pg_is_empty(database):
            raise RestoreError(NOT_EMPTY_DB)
        completed = subprocess.run(
            ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
             "--single-transaction", "--dbname", str(database["NAME"]), str(source / PG_DUMP)],
            env=pg_environment(database),
            capture_output=True,
            text=True,
            check=False,
        )  # fmt: skip
        if completed.returncode != 0:
            raise RestoreError(f"pg_restore ist fehlgeschlagen: {completed.stderr.strip()}")
    else:
        target = Path(database["NAME"])
        if target.exists() and target.stat().st_size > 0:
            raise RestoreError(NOT_EMPTY_DB)
        shutil.copy2(source / SQLITE_COPY, target)
    files = source / FILES
    if files.exists():
        shutil.copytree(files, media_root, dirs_exist_ok=True)


def _check_file(
    result: Verification, storage: FileSystemStorage, name: str, expected: str, what: str
) -> None:
    if not name or not expected:
        return
    path = Path(storage.path(name))
    result.files_checked += 1
    if not path.is_file():
        result.problems.append(f"{what}: Datei {name} fehlt")
    elif sha256_of(path) != expected:
        result.problems.append(f"{what}: SHA-256 von {name} stimmt nicht")


def verify_installation(*, media_root: Path, using: str = "default") -> Verification:
    """Every stored file against the SHA-256 in the database, and the audit chain."""
    storage = FileSystemStorage(location=media_root)
    result = Verification()
    for document in Document.objects.using(using).order_by("id"):
        result.documents += 1
        what = f"Dokument Nr. {document.pk}"
        _check_file(result, storage, document.docx.name or "", document.docx_sha256, what)
        _check_file(result, storage, document.pdf.name or "", document.pdf_sha256, what)
    for template in DocumentTemplate.objects.using(using).order_by("id"):
        what = f"Dokumentvorlage {template.kind} v{template.version}"
        _check_file(result, storage, template.file.name or "", template.sha256, what)
    for handover in Handover.objects.using(using).order_by("id"):
        what = f"Aussonderung {handover.process_id}"
        _check_file(result, storage, handover.package.name or "", handover.package_sha256, what)
    events = AuditEvent.objects.using(using)
    result.audit_events = events.count()
    broken = events.first_broken()
    if broken is not None:
        result.problems.append(f"Audit-Protokoll beschädigt ab Ereignis Nr. {broken.pk}")
    return result
