"""Sign-in against the city's LDAP / Active Directory, and the nightly re-check of its people.

Search, then bind: a service account (LDAP_BIND_DN) finds the person by user name under
LDAP_USER_SEARCH_BASE with LDAP_USER_FILTER (which also leaves out disabled accounts, e.g. AD's
userAccountControl bit), Stellwerk binds as the found entry with the typed password, and reads
the person's groups with LDAP_GROUP_FILTER under LDAP_GROUP_SEARCH_BASE. Everything is
configured by environment variables (config/settings.py, docs/sso.md); without LDAP_SERVER_URI
this module is never used.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import ldap3
from django.conf import settings
from django.contrib.auth.backends import BaseBackend
from django.http import HttpRequest
from ldap3.core.exceptions import LDAPException, LDAPSizeLimitExceededResult
from ldap3.utils.conv import escape_filter_chars

from review.models import Role, SignIn, User

from .directory import DirectoryPerson, deactivate_directory_user, parse_role_groups, roles_for
from .directory import sign_in_person as _sign_in_person

logger = logging.getLogger(__name__)

GONE = "not found in the directory (removed, disabled or outside the search filter)"
NO_ROLE = "no directory group maps to a Stellwerk role any more"


def is_configured() -> bool:
    return bool(settings.LDAP_SERVER_URI)


@contextmanager
def _service_connection() -> Iterator[ldap3.Connection]:
    server = ldap3.Server(
        settings.LDAP_SERVER_URI,
        get_info=ldap3.NONE,
        connect_timeout=settings.LDAP_TIMEOUT_SECONDS,
    )
    connection = ldap3.Connection(
        server,
        user=settings.LDAP_BIND_DN or None,
        password=settings.LDAP_BIND_PASSWORD or None,
        receive_timeout=settings.LDAP_TIMEOUT_SECONDS,
        raise_exceptions=True,
    )
    try:
        if settings.LDAP_START_TLS:
            connection.open()
            connection.start_tls()
        connection.bind()
        yield connection
    finally:
        connection.unbind()


def _user_filter(username: str | None) -> str:
    if username is None:
        match = f"({settings.LDAP_USERNAME_ATTRIBUTE}=*)"
    else:
        match = f"({settings.LDAP_USERNAME_ATTRIBUTE}={escape_filter_chars(username)})"
    return f"(&{settings.LDAP_USER_FILTER}{match})"


def _attributes() -> list[str]:
    return [
        settings.LDAP_USERNAME_ATTRIBUTE,
        settings.LDAP_FIRST_NAME_ATTRIBUTE,
        settings.LDAP_LAST_NAME_ATTRIBUTE,
        settings.LDAP_EMAIL_ATTRIBUTE,
    ]


def _first(attributes: dict[str, Any], name: str) -> str:
    value = attributes.get(name)
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value or "")


def _person(connection: ldap3.Connection, entry: dict[str, Any]) -> DirectoryPerson:
    attributes = entry["attributes"]
    return DirectoryPerson(
        # The directory's spelling of the name is the account name (AD compares case-blind).
        username=_first(attributes, settings.LDAP_USERNAME_ATTRIBUTE).lower(),
        first_name=_first(attributes, settings.LDAP_FIRST_NAME_ATTRIBUTE),
        last_name=_first(attributes, settings.LDAP_LAST_NAME_ATTRIBUTE),
        email=_first(attributes, settings.LDAP_EMAIL_ATTRIBUTE).lower(),
        groups=frozenset(_groups_of(connection, entry["dn"])),
    )


def _groups_of(connection: ldap3.Connection, dn: str) -> list[str]:
    """Distinguished names and plain names (cn) of the groups the entry belongs to."""
    search_filter = settings.LDAP_GROUP_FILTER.replace("{user_dn}", escape_filter_chars(dn))
    connection.search(
        settings.LDAP_GROUP_SEARCH_BASE or settings.LDAP_USER_SEARCH_BASE,
        search_filter,
        search_scope=ldap3.SUBTREE,
        attributes=["cn"],
    )
    groups: list[str] = []
    for entry in connection.response or []:
        if entry.get("type") != "searchResEntry":
            continue
        groups.append(entry["dn"])
        groups.extend(str(name) for name in entry["attributes"].get("cn", []))
    return groups


def _find(connection: ldap3.Connection, username: str) -> dict[str, Any] | None:
    # Two entries for one name would make the password decide who signs in: refuse (more than
    # two make the server answer "size limit exceeded", which ldap3 raises).
    try:
        connection.search(
            settings.LDAP_USER_SEARCH_BASE,
            _user_filter(username),
            search_scope=ldap3.SUBTREE,
            attributes=_attributes(),
            size_limit=2,
        )
    except LDAPSizeLimitExceededResult:
        return None
    entries = [e for e in connection.response or [] if e.get("type") == "searchResEntry"]
    return entries[0] if len(entries) == 1 else None


def _password_matches(dn: str, password: str) -> bool:
    server = ldap3.Server(
        settings.LDAP_SERVER_URI, get_info=ldap3.NONE, connect_timeout=settings.LDAP_TIMEOUT_SECONDS
    )
    connection = ldap3.Connection(
        server, user=dn, password=password, receive_timeout=settings.LDAP_TIMEOUT_SECONDS
    )
    try:
        if settings.LDAP_START_TLS:
            connection.open()
            connection.start_tls()
        return bool(connection.bind())
    finally:
        connection.unbind()


def _role_mapping() -> dict[str, set[Role]]:
    return parse_role_groups(settings.LDAP_ROLE_GROUPS, setting="LDAP_ROLE_GROUPS")


def authenticate_person(username: str, password: str) -> User | None:
    # An empty password would be an anonymous ("unauthenticated") bind that LDAP accepts.
    if not username or not password:
        return None
    try:
        with _service_connection() as connection:
            entry = _find(connection, username)
            if entry is None or not _password_matches(entry["dn"], password):
                return None
            person = _person(connection, entry)
    except LDAPException as error:
        # The directory being down must not lock out the local (external) accounts.
        logger.warning("LDAP sign-in not possible: %s", type(error).__name__)
        return None
    roles = roles_for(person.groups, _role_mapping())
    return _sign_in_person(person=person, roles=roles, source=SignIn.LDAP)


def check_directory_users(users: Iterator[User] | None = None) -> dict[str, int]:
    """Re-check every active directory account; deactivate those the directory no longer vouches
    for and bring names and roles up to date for the rest. Raises on a directory error, so that
    an unreachable server never deactivates anybody."""
    mapping = _role_mapping()
    counts = {"checked": 0, "kept": 0, "deactivated": 0}
    candidates = users if users is not None else _directory_accounts()
    with _service_connection() as connection:
        for user in candidates:
            counts["checked"] += 1
            entry = _find(connection, user.username)
            if entry is None:
                counts["deactivated"] += deactivate_directory_user(user=user, reason=GONE)
                continue
            person = _person(connection, entry)
            roles = roles_for(person.groups, mapping)
            if not roles:
                counts["deactivated"] += deactivate_directory_user(user=user, reason=NO_ROLE)
                continue
            _sign_in_person(person=person, roles=roles, source=SignIn.LDAP)
            counts["kept"] += 1
    return counts


def _directory_accounts() -> Iterator[User]:
    return User.objects.filter(sign_in=SignIn.LDAP, is_active=True, is_external=False).iterator()


class LDAPBackend(BaseBackend):
    """Django authentication backend: the login form's user name and password, checked by LDAP.

    Permissions come from the next backend (Django's ModelBackend), as for local accounts.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not is_configured() or username is None or password is None:
            return None
        return authenticate_person(username.strip(), password)

    def get_user(self, user_id: int) -> User | None:
        return User.objects.filter(pk=user_id, is_active=True).first()
