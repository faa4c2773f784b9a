"""System checks: wrong configuration is reported by `manage.py check`, not by a crash later."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


# Not only with --deploy: `migrate` and `runserver` run it too, so a forgotten key stops them.
@register(Tags.security)
def check_secret_key(app_configs: Any, **kwargs: Any) -> list[Error]:
    if not settings.DEBUG and settings.SECRET_KEY == settings.INSECURE_DEV_SECRET_KEY:
        return [
            Error(
                "SECRET_KEY ist nicht gesetzt.",
                hint="Setzen Sie die Umgebungsvariable SECRET_KEY auf einen langen Zufallswert.",
                id="review.E001",
            )
        ]
    return []


@register()
def check_database(app_configs: Any, **kwargs: Any) -> list[Warning]:
    engine = settings.DATABASES["default"]["ENGINE"]
    if not settings.DEBUG and "sqlite" in engine:
        return [
            Warning(
                "Produktivbetrieb mit SQLite.",
                hint="Setzen Sie DATABASE_URL auf eine PostgreSQL-Datenbank.",
                id="review.W001",
            )
        ]
    return []


@register()
def check_broker(app_configs: Any, **kwargs: Any) -> list[Warning]:
    if not settings.DEBUG and not settings.REDIS_URL:
        return [
            Warning(
                "Kein REDIS_URL gesetzt: Hintergrundaufgaben laufen im Webprozess.",
                hint="Setzen Sie REDIS_URL und starten Sie einen Celery-Worker.",
                id="review.W002",
            )
        ]
    return []
