"""Staff accounts kept in step with the city's directory (LDAP) or identity provider (OIDC).

Both sign-in ways hand over the same thing: a user name, names, an e-mail address and the
person's directory groups. The groups are mapped to Stellwerk's role groups by a setting
(`LDAP_ROLE_GROUPS`, `OIDC_ROLE_GROUPS`); a person none of whose groups maps to a role is not
let in. People outside the administration (`is_external`) keep their local accounts and are
never signed in, changed or deactivated from the directory.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.db import transaction

from review.models import AuditEvent, AuditVerb, Role, SignIn, User

from .services import _end_sessions

ROLE_NAMES = {role.value.lower(): role for role in Role} | {r.name.lower(): r for r in Role}

UNKNOWN_ROLE = "Unknown role {role!r} in {setting}: use one of {choices}."
BAD_MAPPING = "{setting}: expected 'Role=group;Role=group', got {item!r}."


class DirectoryError(Exception):
    pass


@dataclass(frozen=True)
class DirectoryPerson:
    username: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    groups: frozenset[str] = field(default_factory=frozenset)


def parse_role_groups(value: str, *, setting: str) -> dict[str, set[Role]]:
    """`Sachbearbeitung=cn=sb,ou=groups,dc=city;Beauftragte=cn=ib,…` → {group: {roles}}.

    Semicolons separate the pairs because LDAP distinguished names contain commas; a role is
    named by its group name (Sachbearbeitung) or its English key (officer); a directory group
    listed twice gives both roles.
    """
    mapping: dict[str, set[Role]] = {}
    for item in (part.strip() for part in value.split(";")):
        if not item:
            continue
        role_name, sep, group = item.partition("=")
        if not sep or not group.strip():
            raise DirectoryError(BAD_MAPPING.format(setting=setting, item=item))
        role = ROLE_NAMES.get(role_name.strip().lower())
        if role is None:
            choices = ", ".join(role.value for role in Role)
            raise DirectoryError(
                UNKNOWN_ROLE.format(role=role_name.strip(), setting=setting, choices=choices)
            )
        mapping.setdefault(_group_key(group), set()).add(role)
    return mapping


def _group_key(group: str) -> str:
    # DNs compare case-insensitively and without the blanks people put after commas.
    return ",".join(part.strip() for part in group.strip().lower().split(","))


def roles_for(groups: Iterable[str], mapping: Mapping[str, set[Role]]) -> set[Role]:
    roles: set[Role] = set()
    for group in groups:
        roles |= mapping.get(_group_key(group), set())
    return roles


@transaction.atomic
def sign_in_person(*, person: DirectoryPerson, roles: set[Role], source: SignIn) -> User | None:
    """Create or update the account of a person the directory has just vouched for.

    Returns None (no sign-in) for an external account of the same name and for a person
    without any mapped role. An existing local staff account of the same name is taken over
    (its password stops working), which is how an office moves to directory sign-in.
    """
    if not roles:
        return None
    user = User.objects.select_for_update().filter(username=person.username).first()
    if user is not None and user.is_external:
        return None
    created = user is None
    if user is None:
        user = User(username=person.username)
        user.set_unusable_password()
    before = {} if created else _snapshot(user)
    user.first_name = person.first_name[:150]
    user.last_name = person.last_name[:150]
    user.email = person.email[:254]
    user.sign_in = source
    if user.has_usable_password():
        user.set_unusable_password()
    reactivated = not created and not user.is_active
    user.is_active = True
    user.save()
    _set_roles(user, roles)
    after = _snapshot(user)
    actor_label = f"directory-{source.value}"
    if created:
        AuditEvent.record(
            AuditVerb.ACCOUNT_DIRECTORY_CREATED, actor_label=actor_label, obj=user, details=after
        )
    elif before != after or reactivated:
        verb = (
            AuditVerb.ACCOUNT_DIRECTORY_REACTIVATED
            if reactivated
            else AuditVerb.ACCOUNT_DIRECTORY_UPDATED
        )
        AuditEvent.record(
            verb, actor_label=actor_label, obj=user, details={"before": before, "after": after}
        )
    return user


def _snapshot(user: User) -> dict[str, object]:
    # Roles and the sign-in way only: names and addresses stay out of the audit trail.
    roles = sorted(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
    return {"roles": roles, "sign_in": user.sign_in}


def _set_roles(user: User, roles: set[Role]) -> None:
    wanted = set(Group.objects.filter(name__in=[role.value for role in roles]))
    current = set(user.groups.filter(name__in=Role.values))
    user.groups.remove(*(current - wanted))
    user.groups.add(*(wanted - current))


@transaction.atomic
def deactivate_directory_user(*, user: User, reason: str) -> bool:
    """End a directory account that the directory no longer knows or has disabled."""
    if user.is_external or user.sign_in == SignIn.LOCAL or not user.is_active:
        return False
    user.is_active = False
    user.save(update_fields=["is_active"])
    _end_sessions(user)
    AuditEvent.record(
        AuditVerb.ACCOUNT_DIRECTORY_DEACTIVATED,
        actor_label=f"directory-{user.sign_in}",
        obj=user,
        details={"reason": reason},
    )
    return True
