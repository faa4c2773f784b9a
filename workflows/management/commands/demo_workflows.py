"""manage.py demo_workflows: move a few demo cases into later steps, once, through the services."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from review.demo.history import create_history
from review.models import Review, User

from ...demo import advance_demo_reviews, release_for_next_meeting
from ...flows import start_missing


class Command(BaseCommand):
    help = "Startet die Abläufe der Demo-Vorgänge und bringt einige in spätere Schritte."

    def handle(self, *args: Any, **options: Any) -> None:
        self._history()
        # A second `make run` must not move five more cases each time: advance only once.
        prepared = Review.objects.filter(triaged_at__isnull=False).exists()
        # Before the five: they take the earliest deadlines, which are the next meeting's.
        released = release_for_next_meeting()
        if released:
            self.stdout.write(
                "Demo-Gremienbetreuung: Stellungnahmen für die nächste Sitzung freigegeben "
                f"(Vorgänge {', '.join(map(str, released))})."
            )
        if prepared:
            started = start_missing(limit=100_000)
            self.stdout.write(
                f"Demo-Abläufe: bereits vorbereitet ({started} Abläufe nachgestartet)."
            )
            return
        moved = advance_demo_reviews()
        steps = ", ".join(f"{name} → Vorgang {pk}" for name, pk in moved.items())
        self.stdout.write(f"Demo-Abläufe vorbereitet: {steps or 'keine Demo-Personen gefunden'}.")

    def _history(self) -> None:
        """A year of finished cases for the situation report (once)."""
        people = {
            u.username: u
            for u in User.objects.filter(
                username__in=["sachbearbeitung", "beauftragte", "gremienbetreuung"]
            )
        }
        if len(people) == 3:
            made = create_history(
                officer=people["sachbearbeitung"],
                head=people["beauftragte"],
                clerk=people["gremienbetreuung"],
            )
            if made:
                self.stdout.write(f"Demo-Verlauf: {made} abgeschlossene Vorgänge im letzten Jahr.")
