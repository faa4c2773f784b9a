"""`manage.py check` names wrong single sign-on settings before anybody tries to sign in."""

from __future__ import annotations

from review.accounts.checks import check_ldap, check_local_staff_login, check_oidc


def _ids(messages) -> list[str]:
    return [message.id for message in messages]


def test_nothing_is_checked_while_sso_is_off(settings) -> None:
    settings.LDAP_SERVER_URI = ""
    settings.OIDC_RP_CLIENT_ID = ""
    assert check_ldap(None) == [] and check_oidc(None) == []


def test_ldap_without_search_base_or_roles_is_an_error(settings) -> None:
    settings.LDAP_SERVER_URI = "ldaps://dc1.stadt.local"
    settings.LDAP_USER_SEARCH_BASE = ""
    settings.LDAP_ROLE_GROUPS = ""
    messages = check_ldap(None)
    assert _ids(messages) == ["review.E191", "review.E192"]
    assert "LDAP_USER_SEARCH_BASE fehlt." in messages[0].msg
    assert "niemand könnte sich anmelden" in messages[1].msg


def test_ldap_with_an_unknown_role_names_it(settings) -> None:
    settings.LDAP_SERVER_URI = "ldaps://dc1.stadt.local"
    settings.LDAP_USER_SEARCH_BASE = "dc=stadt,dc=local"
    settings.LDAP_ROLE_GROUPS = "Chef=cn=leitung"
    (message,) = check_ldap(None)
    assert message.id == "review.E192" and "Unknown role 'Chef'" in message.msg


def test_plain_ldap_in_production_warns_about_clear_text_passwords(settings) -> None:
    settings.DEBUG = False
    settings.LDAP_SERVER_URI = "ldap://ldap.stadt.local"
    settings.LDAP_START_TLS = False
    settings.LDAP_USER_SEARCH_BASE = "dc=stadt,dc=local"
    settings.LDAP_ROLE_GROUPS = "Sachbearbeitung=sb"
    assert _ids(check_ldap(None)) == ["review.W191"]
    settings.LDAP_START_TLS = True
    assert check_ldap(None) == []


def test_oidc_lists_the_missing_endpoints(settings) -> None:
    settings.OIDC_RP_CLIENT_ID = "stellwerk"
    settings.OIDC_RP_CLIENT_SECRET = "geheim"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://sso.example/auth"
    settings.OIDC_OP_TOKEN_ENDPOINT = ""
    settings.OIDC_OP_USER_ENDPOINT = "https://sso.example/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = ""
    settings.OIDC_ROLE_GROUPS = "Sachbearbeitung=sb"
    (message,) = check_oidc(None)
    assert message.id == "review.E193"
    assert message.msg.endswith("es fehlt OIDC_OP_TOKEN_ENDPOINT, OIDC_OP_JWKS_ENDPOINT")


def test_switching_off_local_logins_without_sso_warns(settings) -> None:
    settings.LOCAL_STAFF_LOGIN = False
    settings.LDAP_SERVER_URI = ""
    settings.OIDC_RP_CLIENT_ID = ""
    assert _ids(check_local_staff_login(None)) == ["review.W192"]
