from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from review.demo.users import (
    DEMO_PASSWORD,
    DEMO_PEOPLE,
    DEMO_RECOVERY_CODES,
    demo_totp_secret,
)


class Command(BaseCommand):
    help = "Print the demo accounts of the demo municipality."

    def add_arguments(self, parser: CommandParser) -> None:
        # `make run HOST=… PORT=…` passes where the server will listen.
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(self.style.SUCCESS(f"\nStellwerk läuft: {options['url']}"))
        self.stdout.write(f"Demo-Zugänge (Passwort für alle: {DEMO_PASSWORD}):")
        for person in DEMO_PEOPLE:
            marker = "  (zweiter Faktor, siehe unten)" if person.is_external else ""
            self.stdout.write(f"  {person.username:<18} {person.role.label}{marker}")
        external = [p.username for p in DEMO_PEOPLE if p.is_external]
        if external:
            secret = demo_totp_secret()
            self.stdout.write(
                f"\nZweiter Faktor für {', '.join(external)}: TOTP-Schlüssel {secret}\n"
                f"  in eine Authenticator-App eintragen: "
                f"otpauth://totp/Stellwerk:demo?secret={secret}&issuer=Stellwerk\n"
                f"  oder den aktuellen Code anzeigen: .venv/bin/python manage.py demo_totp\n"
                f"  Wiederherstellungscodes (je einmal): {', '.join(DEMO_RECOVERY_CODES)}"
            )
        self.stdout.write("")
