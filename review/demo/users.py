"""One demo person per role for the demo municipality ("Musterstadt")."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from review.models import Role, User

# Printed by `make run`; the accounts exist only in the local demo database.
DEMO_PASSWORD = "musterstadt-demo"


@dataclass(frozen=True)
class DemoPerson:
    username: str
    first_name: str
    last_name: str
    role: Role
    job_title: str
    is_external: bool = False


DEMO_PEOPLE = [
    DemoPerson("sachbearbeitung", "Jonas", "Weber", Role.OFFICER, "Sachbearbeiter Integration"),
    DemoPerson("sachbearbeitung2", "Leyla", "Demir", Role.OFFICER, "Sachbearbeiterin Integration"),
    DemoPerson("beauftragte", "Dr. Miriam", "Hoffmann", Role.HEAD, "Integrationsbeauftragte"),
    DemoPerson(
        "gremienbetreuung", "Stefan", "Krüger", Role.CLERK, "Sitzungsdienst", is_external=True
    ),
    DemoPerson(
        "beirat",
        "Amira",
        "Haddad",
        Role.BEIRAT,
        "Vorsitzende des Ausländerbeirats",
        is_external=True,
    ),
    DemoPerson("admin", "Petra", "Schulz", Role.ADMIN, "IT-Administration"),
]


def create_demo_users() -> list[DemoPerson]:
    """Create (or reset) the demo accounts; safe to run again."""
    for person in DEMO_PEOPLE:
        user, _ = User.objects.get_or_create(username=person.username)
        user.first_name = person.first_name
        user.last_name = person.last_name
        user.email = f"{person.username}@musterstadt.example"
        user.job_title = person.job_title
        user.is_external = person.is_external
        user.is_staff = person.role == Role.ADMIN
        user.is_superuser = person.role == Role.ADMIN
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set([Group.objects.get(name=person.role.value)])
    head = User.objects.get(username="beauftragte")
    User.objects.filter(username="sachbearbeitung").update(deputy=head)
    create_demo_devices()
    return DEMO_PEOPLE


# A fixed, public TOTP secret for the demo's external people, so a tester can add it to an
# authenticator app (or run `manage.py demo_totp`). Never use outside the demo database.
DEMO_TOTP_KEY_HEX = b"musterstadt-demo-otp".hex()
DEMO_RECOVERY_CODES = ["demo-code-1", "demo-code-2", "demo-code-3"]


def demo_totp_secret() -> str:
    return base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY_HEX)).decode()


def demo_totp_code() -> str:
    return f"{totp(bytes.fromhex(DEMO_TOTP_KEY_HEX)):06d}"


def create_demo_devices() -> list[TOTPDevice]:
    """Give each external demo person the known TOTP device and three recovery codes."""
    devices = []
    for person in DEMO_PEOPLE:
        if not person.is_external:
            continue
        user = User.objects.get(username=person.username)
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        devices.append(
            TOTPDevice.objects.create(
                user=user, name="Demo-Authenticator", key=DEMO_TOTP_KEY_HEX, confirmed=True
            )
        )
        static = StaticDevice.objects.create(
            user=user, name="Wiederherstellungscodes", confirmed=True
        )
        StaticToken.objects.bulk_create(
            StaticToken(device=static, token=code) for code in DEMO_RECOVERY_CODES
        )
    return devices
