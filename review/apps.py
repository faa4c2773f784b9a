from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = _("Prüfung von Vorlagen")

    def ready(self) -> None:
        from . import (
            caching,  # noqa: F401  (watches writes for the page-part cache)
            checks,  # noqa: F401  (registers the system checks)
        )
        from .accounts import checks as sso_checks  # noqa: F401  (single sign-on settings)
        from .accounts import (  # noqa: F401  (forget cached answers on changes)
            otp,
            permissions,
            sessions,
        )
        from .oparl import admin  # noqa: F401  (admin for sources, sync runs, keywords)
