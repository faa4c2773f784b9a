"""Test data built in code: plain functions with sensible defaults and named personas."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import count
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth.models import Group
from django.utils import timezone

from review.models import (
    BeiratVote,
    ChangeProposal,
    Consultation,
    Dispatch,
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

if TYPE_CHECKING:
    from review.dispatch.documents import OutgoingDocument

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


def make_released_review(
    paper: Paper | None = None, *, committee: Organization | None = None, **fields: Any
) -> Review:
    """A review whose statement the Beauftragte approved, consulted in `committee`."""
    fields.setdefault("status", Review.Status.APPROVED)
    review = make_review(paper, **fields)
    if committee is not None:
        make_consultation(review.paper, organization=committee)
    make_statement_version(review, make_user())
    return review


def make_statement_files(
    review: Review, *, kind: str = "committee", pdf: bool = True, docx: bool = True
) -> OutgoingDocument:
    """Finished statement files in the default storage, as the documents app would leave them."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from review.dispatch.documents import DOCX, PDF, OutgoingDocument, StoredFile

    version = review.statement.current_version
    assert version is not None
    stem = f"{(review.paper.reference or 'V').replace('/', '-')}_Stellungnahme_{kind}"
    files = []
    if pdf:
        path = default_storage.save(
            f"documents/{stem}.pdf", ContentFile(b"%PDF-1.7 " + stem.encode())
        )
        files.append(StoredFile(path, f"{stem}.pdf", PDF))
    if docx:
        path = default_storage.save(
            f"documents/{stem}.docx", ContentFile(b"PK\x03\x04 " + stem.encode())
        )
        files.append(StoredFile(path, f"{stem}.docx", DOCX))
    return OutgoingDocument(kind=kind, statement_version_id=version.pk, files=files)


def make_dispatch(review: Review, recipient: User | None, **fields: Any) -> Dispatch:
    """A dispatch already mailed to a clerk (the mail itself is tested in tests/review/dispatch);
    without a recipient, to a committee's office address (pass organization and email)."""
    document = fields.pop("document", None) or make_statement_files(review)
    fields.setdefault("status", Dispatch.Status.SENT)
    fields.setdefault("sent_at", timezone.now())
    fields.setdefault("audience", Dispatch.Audience.CLERK)
    if recipient is not None:
        fields.setdefault("organization", recipient.organizations.first())
        fields.setdefault("email", recipient.email)
    return Dispatch.objects.create(
        review=review,
        statement_version_id=document.statement_version_id,
        document_key=document.key,
        attachments=[f.as_json() for f in document.files],
        recipient=recipient,
        created_by=fields.pop("created_by", None) or make_user(),
        **fields,
    )


def in_days(days: int) -> date:
    """A date relative to today (for deadlines)."""
    return timezone.localdate() + timedelta(days=days)


def logged_in_client(user: User) -> Any:
    """A test client logged in as `user`, with the second factor verified for external people."""
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    if user.is_external:
        device = TOTPDevice.objects.create(user=user, name="App", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


def make_topic(name: str = "Bildung", **fields: Any) -> Any:
    from review.models import Topic

    fields.setdefault("slug", name.lower())
    return Topic.objects.get_or_create(name=name, defaults=fields)[0]


def make_file(paper: Paper, name: str = "Vorlage.pdf", **fields: Any) -> Any:
    from review.models import File

    fields.setdefault("download_url", f"https://ris.example.org/files/{next(_seq)}.pdf")
    return File.objects.create(paper=paper, name=name, **fields)


def record_event(verb: str, review: Review, actor: User | None = None, **details: Any) -> Any:
    from review.models import AuditEvent, AuditVerb

    # A str: tests also write verbs of older rows that no code writes any more.
    return AuditEvent.record(
        cast(AuditVerb, verb), actor=actor, obj=review, review=review, details=details
    )
