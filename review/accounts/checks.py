"""System checks of the single sign-on settings (docs/sso.md): a wrong variable is reported by
`manage.py check` at start-up, not by a failing sign-in later."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register

from .directory import DirectoryError, parse_role_groups

HINT = "Siehe docs/sso.md."


def _mapping_errors(setting: str, check_id: str) -> list[CheckMessage]:
    value = getattr(settings, setting)
    if not value.strip():
        return [
            Error(
                f"{setting} ist leer: niemand könnte sich anmelden.",
                hint="Ordnen Sie Verzeichnisgruppen Rollen zu, z. B. "
                "„Sachbearbeitung=cn=…;Beauftragte=…“. " + HINT,
                id=check_id,
            )
        ]
    try:
        parse_role_groups(value, setting=setting)
    except DirectoryError as error:
        return [Error(f"{setting} ist fehlerhaft: {error}", hint=HINT, id=check_id)]
    return []


@register()
def check_ldap(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if not settings.LDAP_SERVER_URI:
        return []
    messages: list[CheckMessage] = []
    uri = settings.LDAP_SERVER_URI
    if not uri.startswith(("ldap://", "ldaps://")):
        messages.append(
            Error(
                f"LDAP_SERVER_URI „{uri}“ beginnt nicht mit ldap:// oder ldaps://.",
                hint=HINT,
                id="review.E191",
            )
        )
    if not settings.LDAP_USER_SEARCH_BASE:
        messages.append(
            Error(
                "LDAP_USER_SEARCH_BASE fehlt.",
                hint="Setzen Sie den Zweig, unter dem Personen gesucht werden. " + HINT,
                id="review.E191",
            )
        )
    if "{user_dn}" not in settings.LDAP_GROUP_FILTER:
        messages.append(
            Error(
                "LDAP_GROUP_FILTER enthält {user_dn} nicht.",
                hint="Z. B. (member={user_dn}). " + HINT,
                id="review.E191",
            )
        )
    messages += _mapping_errors("LDAP_ROLE_GROUPS", "review.E192")
    if uri.startswith("ldap://") and not settings.LDAP_START_TLS and not settings.DEBUG:
        messages.append(
            Warning(
                "Passwörter gehen unverschlüsselt an den Verzeichnisdienst.",
                hint="Verwenden Sie ldaps:// oder setzen Sie LDAP_START_TLS=true. " + HINT,
                id="review.W191",
            )
        )
    return messages


@register()
def check_oidc(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if not settings.OIDC_RP_CLIENT_ID:
        return []
    needed = [
        "OIDC_RP_CLIENT_SECRET",
        "OIDC_OP_AUTHORIZATION_ENDPOINT",
        "OIDC_OP_TOKEN_ENDPOINT",
        "OIDC_OP_USER_ENDPOINT",
        "OIDC_OP_JWKS_ENDPOINT",
    ]
    missing = [name for name in needed if not getattr(settings, name)]
    messages: list[CheckMessage] = []
    if missing:
        messages.append(
            Error(
                "OpenID Connect ist unvollständig eingerichtet: es fehlt " + ", ".join(missing),
                hint="Die Adressen stehen in /.well-known/openid-configuration des Anbieters. "
                + HINT,
                id="review.E193",
            )
        )
    return messages + _mapping_errors("OIDC_ROLE_GROUPS", "review.E194")


@register()
def check_local_staff_login(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if settings.LOCAL_STAFF_LOGIN or settings.LDAP_SERVER_URI or settings.OIDC_RP_CLIENT_ID:
        return []
    return [
        Warning(
            "LOCAL_STAFF_LOGIN=false ohne Verzeichnisdienst oder OpenID Connect: "
            "Beschäftigte können sich nicht anmelden.",
            hint="Richten Sie LDAP oder OpenID Connect ein oder lassen Sie LOCAL_STAFF_LOGIN weg. "
            + HINT,
            id="review.W192",
        )
    ]
