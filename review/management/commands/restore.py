"""manage.py restore BACKUP: into an empty installation, then every checksum and the audit chain.

`--check` only checks the backup against its manifest (for the regular restore drill without
touching anything).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from review.backup.restore import RestoreError, check_backup, restore_backup, verify_installation


class Command(BaseCommand):
    help = "Stellt eine Sicherung in eine leere Installation wieder her und prüft sie."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", type=Path, help="Ordner der Sicherung (stellwerk-backup-…)")
        parser.add_argument(
            "--check", action="store_true", help="nur die Sicherung prüfen, nichts wiederherstellen"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["backup"]
        try:
            if options["check"]:
                if problems := check_backup(source):
                    raise CommandError("Sicherung beschädigt: " + "; ".join(problems[:20]))
                self.stdout.write("Sicherung vollständig, alle Prüfsummen stimmen.")
                return
            restore_backup(
                source,
                database=connection.settings_dict,
                vendor=connection.vendor,
                media_root=Path(settings.MEDIA_ROOT),
            )
        except RestoreError as exc:
            raise CommandError(str(exc)) from exc
        connection.close()  # the restored schema, not what this process saw before
        result = verify_installation(media_root=Path(settings.MEDIA_ROOT))
        for problem in result.problems[:50]:
            self.stderr.write(problem)
        if not result.ok:
            raise CommandError(f"Wiederhergestellt, aber {len(result.problems)} Fehler gefunden.")
        self.stdout.write(
            f"Wiederhergestellt und geprüft: {result.documents} Dokumente, "
            f"{result.files_checked} Dateien mit passender SHA-256, "
            f"Audit-Protokoll mit {result.audit_events} Ereignissen intakt."
        )
