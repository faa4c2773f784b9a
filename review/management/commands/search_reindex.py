"""manage.py search_reindex: rebuild the whole search index (after an upgrade, or when the
analysis rules changed); syncs and saves keep it current otherwise."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from tqdm import tqdm

from review.models import Meeting, Paper, Review
from review.search import indexing


class Command(BaseCommand):
    help = "Baut den Suchindex neu auf (Vorlagen, Vorgänge, Sitzungen, Gremien)."

    def handle(self, *args: Any, **options: Any) -> None:
        total = Paper.objects.count() + Review.objects.count() + Meeting.objects.count()
        with tqdm(total=total, unit=" Einträge", disable=None, file=self.stderr) as bar:
            count = indexing.index_all(progress=bar.update)
        self.stdout.write(f"Suchindex neu aufgebaut: {count} Einträge, Statistik aktualisiert.")
