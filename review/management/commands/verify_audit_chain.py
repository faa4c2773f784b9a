"""manage.py verify_audit_chain: checks every audit event's hash and link; exit 1 when broken."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from review.audit.verification import run_check


class Command(BaseCommand):
    help = "Prüft die Hash-Kette des Audit-Protokolls (Inhalt, Verkettung, letzter Prüfpunkt)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--alert", action="store_true", help="bei einem Fund die Administration anschreiben"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        check = run_check(alert=options["alert"])
        if not check.ok:
            raise CommandError(f"Audit-Protokoll beschädigt: {check.problem}")
        self.stdout.write(
            f"Audit-Protokoll intakt: {check.events} Ereignisse, letztes Nr. {check.last_event_id}."
        )
