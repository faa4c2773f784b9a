"""manage.py relevance_rescore [--dry-run]: score the papers inside the relevance window again."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from tqdm import tqdm

from review.oparl import rescoring
from review.oparl.relevance import RelevanceProfile


class Command(BaseCommand):
    help = (
        "Bewertet alle Vorlagen im Relevanzfenster neu (nach Änderungen am Stichwortprofil, "
        "an beobachteten Gremien oder federführenden Ämtern). Abgeschlossene oder gesichtete "
        "Vorgänge werden nie wieder geöffnet."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="nur zeigen, was sich ändern würde"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        total = rescoring.window_papers(RelevanceProfile(now)).count()
        with tqdm(
            total=total, unit=" Vorlagen", disable=not sys.stderr.isatty(), leave=False
        ) as bar:
            result = rescoring.preview(now=now, progress=bar.update)
        self.stdout.write(f"{result.papers} Vorlagen im Relevanzfenster geprüft.")
        self.stdout.write(str(result) + ".")
        for _pk, label, score in result.new[: rescoring.SAMPLE]:
            self.stdout.write(f"  neu ({score}): {label}")
        for _pk, label, score in result.dropped[: rescoring.SAMPLE]:
            self.stdout.write(f"  nicht mehr ({score}), bleibt offen: {label}")
        if options["dry_run"]:
            self.stdout.write("Probelauf: nichts geändert.")
            return
        with tqdm(
            total=total, unit=" Vorlagen", disable=not sys.stderr.isatty(), leave=False
        ) as bar:
            opened = rescoring.rescore(now=now, progress=bar.update)
        self.stdout.write(f"{opened} Vorgänge neu angelegt.")
