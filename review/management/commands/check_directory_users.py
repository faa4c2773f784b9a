"""Re-check every directory account against LDAP now (the beat task does it nightly)."""

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from ldap3.core.exceptions import LDAPException
from tqdm import tqdm

from review.accounts import ldap
from review.models import SignIn, User


class Command(BaseCommand):
    help = (
        "Gleicht die Verzeichnis-Konten mit dem LDAP ab: Namen und Rollen werden aktualisiert, "
        "wer im Verzeichnis fehlt oder gesperrt ist, wird deaktiviert."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not ldap.is_configured():
            raise CommandError(
                "Kein Verzeichnisdienst eingerichtet: LDAP_SERVER_URI ist nicht gesetzt "
                "(siehe docs/sso.md)."
            )
        accounts = User.objects.filter(sign_in=SignIn.LDAP, is_active=True, is_external=False)
        bar = tqdm(
            accounts.iterator(),
            total=accounts.count(),
            unit="Konto",
            disable=not sys.stderr.isatty(),
        )
        try:
            counts = ldap.check_directory_users(iter(bar))
        except LDAPException as error:
            raise CommandError(
                f"Verzeichnisdienst nicht erreichbar ({type(error).__name__}); "
                "niemand wurde deaktiviert."
            ) from error
        self.stdout.write(
            f"{counts['checked']} Konten geprüft, {counts['kept']} aktiv, "
            f"{counts['deactivated']} deaktiviert."
        )
