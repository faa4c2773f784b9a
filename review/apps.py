from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = _("Prüfung von Vorlagen")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
        from .accounts import checks as sso_checks  # noqa: F401  (single sign-on settings)
        from .accounts import sessions  # noqa: F401  (starts the idle clock at login)
        from .api import admin as api_admin  # noqa: F401  (lists and switches off API tokens)
        from .oparl import admin  # noqa: F401  (admin for sources, sync runs, keywords)
        from .operations import metrics  # noqa: F401  (Celery task metrics for /metrics)
        from .search import admin as search_admin  # noqa: F401  (admin for the synonyms)
        from .search import receivers  # noqa: F401  (keeps the cases' index rows current)
