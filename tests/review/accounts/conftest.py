from collections.abc import Iterator

import pytest


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    """Run Celery tasks in-process even when a broker is configured (REDIS_URL)."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = previous


@pytest.fixture
def directory(tmp_path, settings):
    """A fresh slapd with directory.ldif, and Stellwerk configured to sign in against it."""
    from .servers import SERVICE_DN, SERVICE_PASSWORD, SUFFIX, running_slapd, slapd_missing

    if reason := slapd_missing():
        pytest.skip(reason)
    with running_slapd(tmp_path / "slapd") as server:
        settings.LDAP_SERVER_URI = server.uri
        settings.LDAP_BIND_DN = SERVICE_DN
        settings.LDAP_BIND_PASSWORD = SERVICE_PASSWORD
        settings.LDAP_USER_SEARCH_BASE = SUFFIX
        settings.LDAP_USER_FILTER = "(&(objectClass=inetOrgPerson)(!(employeeType=ausgeschieden)))"
        settings.LDAP_USERNAME_ATTRIBUTE = "uid"
        settings.LDAP_GROUP_SEARCH_BASE = f"ou=gruppen,{SUFFIX}"
        settings.LDAP_GROUP_FILTER = "(&(objectClass=groupOfNames)(member={user_dn}))"
        settings.LDAP_ROLE_GROUPS = (
            f"Sachbearbeitung=cn=integration-sachbearbeitung,ou=gruppen,{SUFFIX};"
            "Beauftragte=integration-leitung"
        )
        settings.AUTHENTICATION_BACKENDS = [
            "axes.backends.AxesStandaloneBackend",
            "review.accounts.ldap.LDAPBackend",
            "review.accounts.backends.LocalStaffLoginGate",
            "review.accounts.backends.ModelBackend",
        ]
        yield server


OIDC_CALLBACK = "http://testserver/anmelden/sso/zurueck/"


@pytest.fixture(scope="module")
def oidc_provider(tmp_path_factory):
    """One provider process for the module (Node starts in about a second)."""
    from .servers import provider_missing, running_provider

    if reason := provider_missing():
        pytest.skip(reason)
    with running_provider(OIDC_CALLBACK, tmp_path_factory.mktemp("oidc")) as provider:
        yield provider


@pytest.fixture
def oidc(oidc_provider, settings):
    """Stellwerk configured for the provider as a city would set it (docs/sso.md)."""
    settings.OIDC_RP_CLIENT_ID = oidc_provider.client_id
    settings.OIDC_RP_CLIENT_SECRET = oidc_provider.client_secret
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = oidc_provider.endpoint("authorization_endpoint")
    settings.OIDC_OP_TOKEN_ENDPOINT = oidc_provider.endpoint("token_endpoint")
    settings.OIDC_OP_USER_ENDPOINT = oidc_provider.endpoint("userinfo_endpoint")
    settings.OIDC_OP_JWKS_ENDPOINT = oidc_provider.endpoint("jwks_uri")
    settings.OIDC_ROLE_GROUPS = (
        "Sachbearbeitung=integration-sachbearbeitung;Beauftragte=integration-leitung;"
        "Administration=stellwerk-administration"
    )
    settings.OIDC_LOGIN_LABEL = "Mit dem Konto der Stadt Musterstadt anmelden"
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "review.accounts.oidc.OIDCBackend",
        "review.accounts.backends.LocalStaffLoginGate",
        "review.accounts.backends.ModelBackend",
    ]
    return oidc_provider
