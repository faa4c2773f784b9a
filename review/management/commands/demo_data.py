"""manage.py demo_data: import the demo municipality "Musterstadt" and create the demo people."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand
from tqdm import tqdm

from review.demo.setup import load_demo


class Command(BaseCommand):
    help = "Lädt die Demo-Kommune Musterstadt über OParl und legt die Demo-Personen an."

    def handle(self, *args: Any, **options: Any) -> None:
        bar = tqdm(desc="Musterstadt", unit=" Obj.", disable=not sys.stderr.isatty())
        try:
            summary = load_demo(progress=lambda kind, count: bar.update(count))
        finally:
            bar.close()
        run = summary.run
        self.stdout.write(
            f"Musterstadt: {summary.organizations} Gremien, {summary.papers} Vorlagen, "
            f"{summary.reviews} Vorgänge. Lauf: {run.get_status_display()} – neu {run.created}, "
            f"geändert {run.updated}, unverändert {run.unchanged}, "
            f"neue Vorgänge {run.reviews_opened}."
        )
        for error in run.errors.all()[:10]:
            self.stderr.write(f"  Fehler: {error.message} {error.url}")
