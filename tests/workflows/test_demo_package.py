"""`make run`'s clerk finds the package for their next meeting: the demo (demo_data, then
demo_workflows) releases two of its cases through approval, the documents are made from the
office's template and mailed, and the meeting's PDF and ZIP open with both statements."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from docx import Document as WordDocument
from pypdf import PdfReader

from review.demo.setup import load_demo
from review.demo.users import create_demo_users
from review.dispatch.packages import package_items
from review.external.access import RELEASED_STATUSES
from review.models import Dispatch, Meeting, Review, User
from tests import factories as f
from tests.review.documents.conftest import unoserver, unoserver_port  # noqa: F401 (fixtures)
from workflows.demo import DEMO_STATEMENT, next_meeting_cases, release_for_next_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(
    settings: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any, eager_tasks: None
) -> Iterator[str]:
    """The demo as `make run` prepares it; the documents and mails run on commit in-process, as
    `make run` does without REDIS_URL (CI sets one)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo(directory=tmp_path / "oparl")
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo_workflows", stdout=out)
    yield out.getvalue()


def _clerk() -> User:
    return User.objects.get(username="gremienbetreuung")


def _verified(user: User) -> Client:
    """The clerk is external: logged in with the demo's authenticator already verified."""
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    return client


def _next_meeting_with_cases(clerk: User) -> Meeting:
    """Found apart from the demo code: the clerk's first upcoming meeting with a case."""
    meeting = (
        Meeting.objects.filter(
            organizations__in=clerk.organizations.all(),
            start__gte=timezone.now(),
            consultations__paper__review__isnull=False,
        )
        .order_by("start", "pk")
        .first()
    )
    assert meeting is not None
    return meeting


def _docx_text(data: bytes) -> str:
    document = WordDocument(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def _zip(client: Client, meeting: Meeting) -> zipfile.ZipFile:
    response = client.get(reverse("dispatch:meeting_package", args=[meeting.pk, "zip"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_the_clerk_gets_a_package_of_two_statements_for_the_next_meeting(demo: str) -> None:
    clerk = _clerk()
    meeting = _next_meeting_with_cases(clerk)
    assert "Stellungnahmen für die nächste Sitzung freigegeben" in demo
    items = package_items(clerk, meeting)
    assert len(items) >= 2
    references = [item.review.paper.reference for item in items]
    for item in items:
        assert item.review.status in RELEASED_STATUSES
        # Mailed to the clerk, as the flow does after the documents.
        assert Dispatch.objects.filter(
            review=item.review, recipient=clerk, status=Dispatch.Status.SENT
        ).exists()
        # Tests run without LibreOffice: the Word file from the template, no PDF.
        assert item.docx is not None and item.pdf is None

    client = _verified(clerk)
    page = client.get(reverse("external:clerk")).content.decode()
    # The next meeting is the page's first section, with the package offered and the cards in
    # agenda order.
    first = page.split('data-testid="clerk-meeting"')[1]
    assert f'id="sitzung-{meeting.pk}"' in first
    assert f"Alle {len(items)} Stellungnahmen für diese Sitzung" in first
    assert reverse("dispatch:meeting_package", args=[meeting.pk, "zip"]) in first
    assert re.findall(r'<h3 class="kern-title">(\S+) – ', first) == references

    with _zip(client, meeting) as archive:
        names = archive.namelist()
        assert names == [
            f"{n:02d}_{item.docx.filename if item.docx else None}"
            for n, item in enumerate(items, 1)
        ] + ["SHA256SUMS.txt"]
        sums = archive.read("SHA256SUMS.txt").decode().splitlines()
        for name, line in zip(names[:-1], sums, strict=True):
            content = archive.read(name)
            assert line == f"{hashlib.sha256(content).hexdigest()}  {name}"
            text = _docx_text(content)
            reference = references[int(name[:2]) - 1]
            assert reference in text
            assert DEMO_STATEMENT["assessment"] in text

    response = client.get(reverse("dispatch:meeting_package", args=[meeting.pk, "pdf"]))
    assert response.status_code == 200
    cover = PdfReader(io.BytesIO(response.content))
    assert len(cover.pages) == 1  # the cover only: no statement has a PDF here
    cover_text = cover.pages[0].extract_text()
    for reference in references:
        assert reference in cover_text
    assert cover_text.count("kein PDF: nur im ZIP") == len(items)


def test_a_second_run_releases_nothing_more(demo: str, django_capture_on_commit_callbacks: Any):
    released = set(Review.objects.filter(status__in=RELEASED_STATUSES).values_list("pk", flat=True))
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo_workflows", stdout=out)
    assert "freigegeben" not in out.getvalue()
    again = set(Review.objects.filter(status__in=RELEASED_STATUSES).values_list("pk", flat=True))
    assert again == released
    found = next_meeting_cases(_clerk())
    assert found is not None and len(found[1]) >= 2 and found[2] == []


def test_with_libreoffice_the_package_pdf_holds_both_statements(
    unoserver: int,  # noqa: F811 (first: the demo's documents are made with it)
    demo: str,
) -> None:
    clerk = _clerk()
    meeting = _next_meeting_with_cases(clerk)
    items = package_items(clerk, meeting)
    assert len(items) >= 2 and all(item.pdf is not None for item in items)
    client = _verified(clerk)
    with _zip(client, meeting) as archive:
        pdfs = [n for n in archive.namelist() if n.endswith(".pdf")]
        assert len(pdfs) == len(items)
        assert archive.read(pdfs[0]).startswith(b"%PDF")
    response = client.get(reverse("dispatch:meeting_package", args=[meeting.pk, "pdf"]))
    merged = PdfReader(io.BytesIO(response.content))
    assert len(merged.pages) > 1 + len(items) - 1
    body = "\n".join(page.extract_text() for page in merged.pages[1:])
    for item in items:
        assert item.review.paper.reference in body
    assert "kein PDF" not in merged.pages[0].extract_text()


# The choice of cases, with small data of its own (no demo import): the limit of two, a meeting
# with too few cases passed over, a meeting that has one released already topped up by one.


def _clerk_with_meetings(days: list[int]) -> tuple[User, list[Meeting]]:
    create_demo_users()
    committee = f.make_organization("Integrationsausschuss", short_name="IA")
    clerk = _clerk()
    clerk.organizations.set([committee])
    meetings = [f.make_meeting(committee, start=timezone.now() + timedelta(days=d)) for d in days]
    return clerk, meetings


def _case_in(meeting: Meeting, order: int, **fields: Any) -> Review:
    review = f.make_review(deadline=f.in_days(10 + order), **fields)
    f.make_consultation(
        review.paper, meeting, organization=meeting.organizations.get(), order=order
    )
    return review


def test_two_cases_of_the_next_meeting_with_two_are_released_and_no_more() -> None:
    _, (soon, later) = _clerk_with_meetings([5, 12])
    _case_in(soon, 1)  # one case only: not enough for a package of two
    cases = [_case_in(later, n) for n in (1, 2, 3)]
    released = release_for_next_meeting()
    assert released == [cases[0].pk, cases[1].pk]
    statuses = [Review.objects.get(pk=r.pk).status for r in cases]
    assert statuses == [Review.Status.APPROVED, Review.Status.APPROVED, Review.Status.NEW]
    assert release_for_next_meeting() == []


def test_a_meeting_with_one_released_case_gets_one_more() -> None:
    clerk, (meeting,) = _clerk_with_meetings([9])
    already = _case_in(meeting, 1, status=Review.Status.DISPATCHED)
    f.make_statement_version(already, f.make_user())
    fresh = [_case_in(meeting, n) for n in (2, 3)]
    assert release_for_next_meeting() == [fresh[0].pk]
    found = next_meeting_cases(clerk)
    assert found is not None and found[0] == meeting and len(found[1]) == 2


def test_without_upcoming_cases_nothing_is_released() -> None:
    clerk, (past,) = _clerk_with_meetings([-3])
    _case_in(past, 1)
    _case_in(past, 2)
    assert next_meeting_cases(clerk) is None
    assert release_for_next_meeting() == []
