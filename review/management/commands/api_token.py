"""manage.py api_token: issue, list and revoke the read API's tokens (docs/api.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from review.models import ApiToken, User


class Command(BaseCommand):
    help = "Gibt Zugangsschlüssel für die Lese-API aus, listet und sperrt sie."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        issue = actions.add_parser("issue", help="neuen Schlüssel ausgeben (nur einmal sichtbar)")
        issue.add_argument("--name", required=True, help="das System, z. B. „DMS“")
        issue.add_argument("--user", required=True, help="Konto, dessen Rollen gelten")
        issue.add_argument(
            "--scopes",
            default="cases,statements,papers",
            help="kommagetrennt: " + ", ".join(ApiToken.Scope.values),
        )
        actions.add_parser("list", help="alle Schlüssel")
        revoke = actions.add_parser("revoke", help="Schlüssel sperren")
        revoke.add_argument("key_id")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "issue":
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"Kein Konto „{options['user']}“.")
            scopes = [s.strip() for s in options["scopes"].split(",") if s.strip()]
            try:
                token, secret = ApiToken.issue(name=options["name"], user=user, scopes=scopes)
            except ValueError as exc:
                raise CommandError(f"Unbekannter Bereich: {exc}") from exc
            self.stdout.write(f"Schlüssel für {token.name} (nur jetzt sichtbar):\n{secret}")
        elif options["action"] == "list":
            for token in ApiToken.objects.select_related("user"):
                used = token.last_used_at.isoformat() if token.last_used_at else "nie"
                state = "aktiv" if token.is_active else "gesperrt"
                self.stdout.write(
                    f"{token.key_id}  {token.name}  Konto {token.user.username}  "
                    f"{','.join(token.scopes)}  {state}  zuletzt {used}"
                )
        else:
            if not ApiToken.objects.filter(key_id=options["key_id"]).update(is_active=False):
                raise CommandError(f"Kein Schlüssel {options['key_id']}.")
            self.stdout.write(f"Schlüssel {options['key_id']} gesperrt.")
