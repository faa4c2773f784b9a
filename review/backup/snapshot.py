"""`manage.py backup`: a consistent copy of the database and the stored files, with checksums.

The database comes first, as one snapshot (pg_dump runs in one transaction; SQLite through its
online backup API). The files follow: stored files are written before the row that names them
commits and are never changed afterwards (every document and template is a new version), so
every file the snapshot names is already there when the copy starts. Files added meanwhile are
extra and harmless. `manifest.json` lists each part with its SHA-256; `SHA256SUMS` allows
`sha256sum -c` without Python.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
PG_DUMP = "database.pgdump"
SQLITE_COPY = "database.sqlite3"
FILES = "media"
FORMAT_VERSION = 1


class BackupError(Exception):
    pass


@dataclass
class BackupResult:
    directory: Path
    files: int
    size: int


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def pg_environment(database: dict[str, Any]) -> dict[str, str]:
    """libpq's variables for pg_dump/pg_restore: no password on a command line (ps shows it)."""
    env = {**os.environ, "PGDATABASE": str(database["NAME"])}
    for key, variable in [("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")]:
        if database.get(key):
            env[variable] = str(database[key])
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    return env


def _dump_database(target: Path) -> str:
    database = connection.settings_dict
    if connection.vendor == "postgresql":
        path = target / PG_DUMP
        completed = subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(path)],
            env=pg_environment(database),
            capture_output=True,
            text=True,
            check=False,
        )
        if completed.returncode != 0:
            raise BackupError(f"pg_dump ist fehlgeschlagen: {completed.stderr.strip()}")
        return PG_DUMP
    if connection.vendor == "sqlite":
        path = target / SQLITE_COPY
        connection.ensure_connection()
        copy = sqlite3.connect(str(path))
        try:
            if connection.in_atomic_block:
                # SQLite's backup API waits forever on a write transaction of its own source
                # connection; inside one (a test, a caller's atomic block) the same state is
                # written as SQL, which that transaction reads consistently.
                copy.executescript("\n".join(connection.connection.iterdump()))
            else:
                # The online backup: one consistent state even while the app writes.
                connection.connection.backup(copy)
        finally:
            copy.close()
        return SQLITE_COPY
    raise BackupError(f"Datenbank {connection.vendor} wird nicht unterstützt.")


def stored_files(root: Path) -> Iterable[Path]:
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file())


def _migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(latest.get(app, ""), name)
    return latest


def create_backup(destination: Path, *, progress: Any = None) -> BackupResult:
    """Writes a new backup directory under `destination` and returns it."""
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    target = destination / f"stellwerk-backup-{stamp}"
    if target.exists():
        raise BackupError(f"{target} gibt es schon.")
    target.mkdir(parents=True)
    try:
        dump = _dump_database(target)
        media_root = Path(settings.MEDIA_ROOT)
        entries: dict[str, dict[str, Any]] = {
            dump: {"sha256": sha256_of(target / dump), "size": (target / dump).stat().st_size}
        }
        files = list(stored_files(media_root))
        for source in progress(files) if progress else files:
            relative = source.relative_to(media_root)
            copy = target / FILES / relative
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy)
            entries[f"{FILES}/{relative.as_posix()}"] = {
                "sha256": sha256_of(copy),
                "size": copy.stat().st_size,
            }
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "database": {"vendor": connection.vendor, "file": dump},
            "migrations": _migrations(),
            "files": entries,
        }
        (target / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
        (target / SUMS).write_text(
            "".join(f"{entry['sha256']}  {name}\n" for name, entry in sorted(entries.items()))
        )
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)  # never leave a half backup that looks whole
        raise
    return BackupResult(
        directory=target,
        files=len(entries) - 1,
        size=sum(int(entry["size"]) for entry in entries.values()),
    )
