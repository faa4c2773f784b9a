"""manage.py backup DIRECTORY: database snapshot and stored files with a checksum manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from review.backup.snapshot import BackupError, create_backup


class Command(BaseCommand):
    help = "Sichert Datenbank und gespeicherte Dateien mit Prüfsummen (docs/operations.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="Ordner, in dem die Sicherung entsteht")

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(files: list[Path]) -> Any:
            return tqdm(files, desc="Dateien", unit="Datei", disable=not self.stdout.isatty())

        try:
            result = create_backup(options["directory"], progress=progress)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Sicherung {result.directory}: Datenbank und {result.files} Dateien, "
            f"{result.size / 1_000_000:.1f} MB."
        )
