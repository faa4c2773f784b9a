"""manage.py oparl_fixture_server DIR: serve a directory of OParl objects on loopback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from review.oparl.fixture_server import FixtureServer


class Command(BaseCommand):
    help = "Stellt ein Verzeichnis mit OParl-Objekten als OParl-1.1-API auf 127.0.0.1 bereit."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--latency-ms", type=int, default=0)
        parser.add_argument("--fail-every", type=int, default=0, metavar="N")
        parser.add_argument("--page-size", type=int, default=100)

    def handle(self, *args: Any, **options: Any) -> None:
        root = Path(options["directory"])
        if not root.is_dir():
            raise CommandError(f"{root} ist kein Verzeichnis.")
        server = FixtureServer(
            root,
            port=options["port"],
            latency_ms=options["latency_ms"],
            fail_every=options["fail_every"],
            page_size=options["page_size"],
        )
        counts = ", ".join(f"{k}: {len(v)}" for k, v in server.data.lists.items())
        self.stdout.write(f"OParl-System unter {server.system_url} ({counts}); Strg+C beendet.")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
