"""One demo person per role for the demo municipality ("Musterstadt")."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group

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
    DemoPerson("gremienbetreuung", "Stefan", "Krüger", Role.CLERK, "Sitzungsdienst"),
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
    return DEMO_PEOPLE
