"""manage.py oparl_sync [--full] [SOURCE]: sync one or all active sources now."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from tqdm import tqdm

from review.models import Source, SyncRun
from review.oparl.sync import SyncLocked, run_sync


class Command(BaseCommand):
    help = "Synchronisiert OParl-Quellen (alle aktiven oder eine nach Name, ID oder URL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", nargs="?", help="Name, ID oder System-URL einer Quelle")
        parser.add_argument("--full", action="store_true", help="Vollabgleich statt inkrementell")

    def handle(self, *args: Any, **options: Any) -> None:
        sources = Source.objects.filter(is_active=True)
        if options["source"]:
            wanted = options["source"]
            match = Q(name=wanted) | Q(system_url=wanted)
            if wanted.isdigit():
                match |= Q(pk=int(wanted))
            sources = Source.objects.filter(match)
            if not sources:
                raise CommandError(f"Keine Quelle „{wanted}“ gefunden.")
        failed = False
        for source in sources:
            run = sync_with_progress(source, full=options["full"], stdout=self.stdout)
            if run is None:
                self.stderr.write(f"{source}: läuft bereits, übersprungen.")
                continue
            self.stdout.write(describe(run))
            for error in run.errors.all()[:20]:
                self.stdout.write(f"  Fehler: {error.message} {error.url}")
            failed = failed or run.status == SyncRun.Status.FAILED
        if failed:
            raise CommandError("Mindestens ein Lauf wurde abgebrochen.")


def sync_with_progress(source: Source, *, full: bool, stdout: Any) -> SyncRun | None:
    """Run with a tqdm bar per list when attached to a terminal."""
    bars: dict[str, tqdm] = {}
    show = sys.stderr.isatty()

    def progress(kind: str, count: int) -> None:
        if not show:
            return
        if kind not in bars:
            for bar in bars.values():
                bar.close()
            bars[kind] = tqdm(desc=f"{source.name}: {kind}", unit=" Obj.", leave=True)
        bars[kind].update(count)

    try:
        return run_sync(source, full=full, progress=progress)
    except SyncLocked:
        return None
    finally:
        for bar in bars.values():
            bar.close()


def describe(run: SyncRun) -> str:
    kind = "Vollabgleich" if run.is_full else "inkrementell"
    return (
        f"{run.source}: {run.get_status_display()} ({kind}, {run.duration_seconds or 0:.1f} s) – "
        f"neu {run.created}, geändert {run.updated}, gelöscht {run.deleted}, "
        f"unverändert {run.unchanged}, fehlerhaft {run.failed}, neue Vorgänge {run.reviews_opened}"
    )
