from typing import Any

from django.core.management.base import BaseCommand

from review.demo.users import DEMO_PASSWORD, DEMO_PEOPLE


class Command(BaseCommand):
    help = "Print the demo accounts of the demo municipality."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(self.style.SUCCESS("\nStellwerk läuft: http://127.0.0.1:8000/"))
        self.stdout.write(f"Demo-Zugänge (Passwort für alle: {DEMO_PASSWORD}):")
        for person in DEMO_PEOPLE:
            self.stdout.write(f"  {person.username:<18} {person.role.label}")
        self.stdout.write("")
