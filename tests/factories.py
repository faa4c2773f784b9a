"""Test data built in code: plain functions with sensible defaults and named personas."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import count
from typing import Any

from django.contrib.auth.models import Group
from django.utils import timezone

from review.models import (
    Consultation,
    Meeting,
    Organization,
    Paper,
    Review,
    Role,
    Source,
    Statement,
    StatementVersion,
    User,
)

_seq = count(1)
PASSWORD = "Stellwerk-Test-2026!"


def make_user(username: str | None = None, *, role: Role | None = None, **fields: Any) -> User:
    username = username or f"user{next(_seq)}"
    fields.setdefault("first_name", username.capitalize())
    fields.setdefault("last_name", "Muster")
    fields.setdefault("email", f"{username}@example.org")
    user = User.objects.create_user(username=username, password=PASSWORD, **fields)
    if role is not None:
        user.groups.add(Group.objects.get(name=role.value))
    return user


def officer(**fields: Any) -> User:
    return make_user(fields.pop("username", "officer"), role=Role.OFFICER, **fields)


def head(**fields: Any) -> User:
    return make_user(fields.pop("username", "head"), role=Role.HEAD, **fields)


def clerk(**fields: Any) -> User:
    return make_user(fields.pop("username", "clerk"), role=Role.CLERK, **fields)


def beirat_member(**fields: Any) -> User:
    fields.setdefault("is_external", True)
    return make_user(fields.pop("username", "beirat"), role=Role.BEIRAT, **fields)


def administrator(**fields: Any) -> User:
    return make_user(fields.pop("username", "admin"), role=Role.ADMIN, **fields)


def outsider(**fields: Any) -> User:
    return make_user(fields.pop("username", "outsider"), **fields)


def make_source(**fields: Any) -> Source:
    n = next(_seq)
    fields.setdefault("name", f"Quelle {n}")
    fields.setdefault("system_url", f"http://127.0.0.1:9/oparl/{n}/system")
    return Source.objects.create(**fields)


def make_organization(name: str = "Ausschuss für Soziales", **fields: Any) -> Organization:
    return Organization.objects.create(name=name, **fields)


def make_meeting(
    organization: Organization | None = None, *, start: datetime | None = None, **fields: Any
) -> Meeting:
    start = start or timezone.now() + timedelta(days=21)
    meeting = Meeting.objects.create(name=fields.pop("name", "Sitzung"), start=start, **fields)
    if organization is not None:
        meeting.organizations.add(organization)
    return meeting


def make_paper(name: str = "Sprachförderung in Kitas", **fields: Any) -> Paper:
    fields.setdefault("reference", f"V{1000 + next(_seq)}/26")
    fields.setdefault("paper_type", "Beschlussvorlage")
    fields.setdefault("date", timezone.localdate())
    return Paper.objects.create(name=name, **fields)


def make_consultation(
    paper: Paper,
    meeting: Meeting | None = None,
    *,
    organization: Organization | None = None,
    **fields: Any,
) -> Consultation:
    fields.setdefault("role", "Vorberatung")
    consultation = Consultation.objects.create(paper=paper, meeting=meeting, **fields)
    if organization is not None:
        consultation.organizations.add(organization)
    return consultation


def make_review(paper: Paper | None = None, **fields: Any) -> Review:
    return Review.objects.create(paper=paper or make_paper(), **fields)


def make_statement_version(review: Review, author: User, **fields: Any) -> StatementVersion:
    statement, _ = Statement.objects.get_or_create(review=review)
    number = statement.versions.count() + 1
    fields.setdefault("facts", "Die Vorlage sieht vor, …")
    fields.setdefault("assessment", "Aus Sicht der Integration …")
    fields.setdefault("recommendation", "approve")
    return StatementVersion.objects.create(
        statement=statement, number=number, author=author, **fields
    )


def in_days(days: int) -> date:
    """A date relative to today (for deadlines)."""
    return timezone.localdate() + timedelta(days=days)
