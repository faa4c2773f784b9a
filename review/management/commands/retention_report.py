"""manage.py retention_report [--days N] [--apply]: upcoming deletions per data class."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from review.models import DeletionRecord
from review.retention import rules


class Command(BaseCommand):
    help = "Zeigt je Datenklasse, was nach den Löschregeln fällig ist und bald fällig wird."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=30, help="Vorschau in Tagen (30)")
        parser.add_argument("--apply", action="store_true", help="Fälliges jetzt löschen")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["apply"]:
            for record in rules.apply_rules():
                self.stdout.write(f"gelöscht: {record}")
        days = options["days"]
        self.stdout.write(f"{'Datenklasse':<22} {'Regel':<45} {'fällig':>7} {f'in {days} T.':>9}")
        for rule, due_now, soon in rules.upcoming(within_days=days):
            action = "" if rule.action != "report" else " (nur Bericht)"
            self.stdout.write(
                f"{rule.data_class:<22} {rule.describe() + action:<45} {due_now:>7} {soon:>9}"
            )
        latest = DeletionRecord.objects.first()
        if latest is not None:
            self.stdout.write(f"Letzter Löschlauf: {latest.ran_at:%d.%m.%Y %H:%M}")
