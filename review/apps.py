from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = _("Prüfung von Vorlagen")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
        from .accounts import sessions  # noqa: F401  (starts the idle clock at login)
        from .oparl import admin  # noqa: F401  (admin for sources, sync runs, keywords)
