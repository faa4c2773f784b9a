"""manage.py archive_handover offer|evaluation|export|confirm|delete|list: the Aussonderung.

For installations that run the hand-over from a script or whose administrators prefer the shell;
each step is the same service the administrator's page calls.
"""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from review.archive import services
from review.models import Handover, User


class Command(BaseCommand):
    help = "Aussonderung an das Archiv (xdomea 3.0.0): anbieten, Bewertung, Paket, Empfang."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--by", required=True, help="Benutzername, unter dem protokolliert wird"
        )
        steps = parser.add_subparsers(dest="step", required=True)
        offer = steps.add_parser("offer", help="Anbieteverzeichnis (0501) erstellen")
        offer.add_argument("--closed-before", type=date.fromisoformat, help="JJJJ-MM-TT")
        offer.add_argument("--output", type=Path, help="0501 zusätzlich hierhin schreiben")
        evaluation = steps.add_parser("evaluation", help="Bewertungsverzeichnis (0502) einlesen")
        evaluation.add_argument("process", help="Prozess-ID der Aussonderung")
        evaluation.add_argument("file", type=Path)
        export = steps.add_parser("export", help="Aussonderungspaket (0503) bilden")
        export.add_argument("process")
        export.add_argument("--output", type=Path, help="ZIP zusätzlich hierhin schreiben")
        confirm = steps.add_parser("confirm", help="Empfang (0504) bestätigen")
        confirm.add_argument("process")
        confirm.add_argument("file", type=Path, nargs="?", help="0504; ohne: von Hand bestätigt")
        delete = steps.add_parser(
            "delete", help="Vorgänge einer abgeschlossenen Aussonderung löschen (mit Löschnachweis)"
        )
        delete.add_argument("process")
        steps.add_parser("list", help="Aussonderungen auflisten")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            by = User.objects.get(username=options["by"])
        except User.DoesNotExist as exc:
            raise CommandError(f"Keine Person „{options['by']}“.") from exc
        step = options["step"]
        try:
            if step == "list":
                self._list()
            elif step == "offer":
                self._offer(by, options["closed_before"], options["output"])
            elif step == "evaluation":
                handover = services.import_evaluation(
                    handover=self._handover(options["process"]),
                    data=self._read(options["file"]),
                    by=by,
                )
                decided = handover.items.to_archive().count()
                self.stdout.write(f"Bewertung eingelesen: {decided} Vorgang/Vorgänge archivieren.")
            elif step == "export":
                handover = services.export_package(
                    handover=self._handover(options["process"]), by=by
                )
                self._copy(handover.package, options["output"])
                self.stdout.write(f"Paket gebildet, SHA-256 {handover.package_sha256}")
            elif step == "confirm":
                handover = self._handover(options["process"])
                if options["file"]:
                    data = self._read(options["file"])
                    services.confirm_receipt(handover=handover, data=data, by=by)
                else:
                    services.confirm_manually(handover=handover, by=by)
                self.stdout.write("Aussonderung abgeschlossen.")
            elif step == "delete":
                record = services.delete_handed_over_cases(
                    handover=self._handover(options["process"]), by=by
                )
                self.stdout.write(
                    f"Gelöscht: {record.count} Vorgang/Vorgänge. Löschnachweis: {record}"
                )
        except services.ArchiveError as exc:
            raise CommandError(str(exc)) from exc

    def _offer(self, by: User, closed_before: date | None, output: Path | None) -> None:
        cutoff = (
            timezone.make_aware(datetime.combine(closed_before, time.min))
            if closed_before
            else None
        )
        handover = services.offer_cases(by=by, closed_before=cutoff)
        self._copy(handover.offer, output)
        self.stdout.write(
            f"{handover.items.count()} Vorgang/Vorgänge angeboten, Prozess-ID {handover.process_id}"
        )

    def _list(self) -> None:
        for handover in Handover.objects.all():
            self.stdout.write(
                f"{handover.process_id}  {handover.created_at:%d.%m.%Y}  "
                f"{handover.get_status_display()}  {handover.items.count()} Vorgänge"
            )

    @staticmethod
    def _handover(process: str) -> Handover:
        try:
            return Handover.objects.get(process_id=process)
        except (Handover.DoesNotExist, ValueError) as exc:
            raise CommandError(f"Keine Aussonderung mit der Prozess-ID „{process}“.") from exc

    @staticmethod
    def _read(path: Path) -> bytes:
        try:
            return path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Die Datei {path} kann nicht gelesen werden: {exc}") from exc

    @staticmethod
    def _copy(field: Any, output: Path | None) -> None:
        if output is not None:
            with field.open("rb") as handle:
                output.write_bytes(handle.read())
