"""Test data built in code: plain functions with sensible defaults and named personas."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count
from typing import Any

from django.contrib.auth.models import Group
from django.utils import timezone

from review.models import (
    BeiratVote,
    ChangeProposal,
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


def make_change_proposal(version: StatementVersion, **fields: Any) -> ChangeProposal:
    fields.setdefault("position", version.change_proposals.count() + 1)
    fields.setdefault("location", "Beschlussvorschlag, Nr. 1")
    fields.setdefault("proposal", "Elternbriefe auch in Leichter Sprache.")
    fields.setdefault("reason", "Erreicht mehr Familien.")
    return ChangeProposal.objects.create(version=version, **fields)


def make_beirat_vote(review: Review, recorded_by: User, **fields: Any) -> BeiratVote:
    fields.setdefault("vote", "approve")
    fields.setdefault("text", "Der Beirat stimmt zu.")
    return BeiratVote.objects.create(review=review, recorded_by=recorded_by, **fields)


def make_review_with_statement(
    author: User | None = None, *, reference: str = "V2345/24", **version_fields: Any
) -> Review:
    """A reviewed paper with a Beratungsfolge and a statement version ready for its documents."""
    author = author or officer(phone="0123 456-789", job_title="Sachbearbeitung Integration")
    committee = make_organization("Ausschuss für Soziales und Integration")
    paper = make_paper("Sprachförderung in Kitas & Grundschulen", reference=reference)
    make_consultation(
        paper,
        make_meeting(committee, start=timezone.now() + timedelta(days=10)),
        organization=committee,
    )
    review = make_review(paper, assignee=author)
    make_statement_version(review, author, **version_fields)
    return review
