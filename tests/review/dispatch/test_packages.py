"""The clerk's package per meeting: one PDF (cover page, then each statement in agenda order) and
a ZIP of the originals; only what the clerk may see; recorded like single downloads."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from fpdf import FPDF
from pypdf import PdfReader

from review.dispatch.documents import DOCX, PDF, OutgoingDocument, StoredFile
from review.models import AuditEvent, AuditVerb, Review
from tests import factories as f

pytestmark = pytest.mark.django_db


def _statement_pdf(text: str, pages: int = 1) -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for n in range(pages):
        pdf.add_page()
        pdf.cell(0, 10, f"{text} Seite {n + 1}")
    return bytes(pdf.output())


def _released_with_files(committee, meeting, reference: str, order: int, *, pages: int = 1):
    review = f.make_released_review(
        f.make_paper(f"Vorlage {reference}", reference=reference), status=Review.Status.DISPATCHED
    )
    f.make_consultation(review.paper, meeting, organization=committee, order=order)
    stem = reference.replace("/", "-")
    pdf = default_storage.save(
        f"documents/{stem}.pdf", ContentFile(_statement_pdf(f"Stellungnahme zu {reference}", pages))
    )
    docx = default_storage.save(f"documents/{stem}.docx", ContentFile(b"PK\x03\x04 " + b"x" * 40))
    version = review.statement.current_version
    assert version is not None
    document = OutgoingDocument(
        kind="committee",
        statement_version_id=version.pk,
        files=[
            StoredFile(pdf, f"{stem}_Stellungnahme.pdf", PDF),
            StoredFile(docx, f"{stem}_Stellungnahme.docx", DOCX),
        ],
    )
    return review, document


@pytest.fixture
def package(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    committee = f.make_organization("Ausschuss für Soziales und Integration", short_name="SIA")
    clerk = f.clerk(username="sia-clerk")
    clerk.organizations.add(committee)
    meeting = f.make_meeting(
        committee, name="Sozialausschuss", start=timezone.now() + timedelta(days=7)
    )
    # Created out of agenda order: the package follows the agenda, not the ids.
    second, second_doc = _released_with_files(committee, meeting, "V20/26", order=2, pages=2)
    first, first_doc = _released_with_files(committee, meeting, "V10/26", order=1)
    third, third_doc = _released_with_files(committee, meeting, "V30/26", order=3)
    for review, document in [(first, first_doc), (second, second_doc), (third, third_doc)]:
        f.make_dispatch(review, clerk, document=document)
    # In the same meeting, but not released yet: never in the package.
    draft = f.make_review(f.make_paper("Entwurf", reference="V99/26"), status="drafting")
    f.make_consultation(draft.paper, meeting, organization=committee, order=0)
    return {
        "committee": committee,
        "clerk": clerk,
        "meeting": meeting,
        "reviews": [first, second, third],
        "documents": [first_doc, second_doc, third_doc],
    }


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(meeting, fmt: str) -> str:
    return reverse("dispatch:meeting_package", args=[meeting.pk, fmt])


def test_the_merged_pdf_has_a_cover_page_and_each_statement_in_agenda_order(package) -> None:
    response = _client(package["clerk"]).get(_url(package["meeting"], "pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment;" in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1 + 1 + 2 + 1
    cover = reader.pages[0].extract_text()
    assert "Stellungnahmen des Integrationsbüros" in cover
    assert "Ausschuss für Soziales und Integration (SIA)" in cover
    assert cover.index("1. V10/26") < cover.index("2. V20/26") < cover.index("3. V30/26")
    assert "(Seite 2–2)" in cover and "(Seite 3–4)" in cover and "(Seite 5–5)" in cover
    assert "V99/26" not in cover
    texts = [page.extract_text() for page in reader.pages[1:]]
    assert texts == [
        "Stellungnahme zu V10/26 Seite 1",
        "Stellungnahme zu V20/26 Seite 1",
        "Stellungnahme zu V20/26 Seite 2",
        "Stellungnahme zu V30/26 Seite 1",
    ]


def test_the_zip_holds_the_originals_numbered_with_their_checksums(package) -> None:
    response = _client(package["clerk"]).get(_url(package["meeting"], "zip"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    expected = []
    for position, document in enumerate(package["documents"], 1):
        for stored in document.files:
            expected.append((f"{position:02d}_{stored.filename}", stored.path))
    assert archive.namelist() == [name for name, _path in expected] + ["SHA256SUMS.txt"]
    sums = archive.read("SHA256SUMS.txt").decode()
    for name, path in expected:
        with default_storage.open(path, "rb") as handle:
            original = handle.read()
        assert archive.read(name) == original
        assert f"{hashlib.sha256(original).hexdigest()}  {name}" in sums


def test_a_clerk_of_another_committee_gets_404_and_nothing_is_recorded(package) -> None:
    stranger = f.clerk(username="bau-clerk")
    stranger.organizations.add(f.make_organization("Bauausschuss"))
    client = _client(stranger)
    for fmt in ("pdf", "zip"):
        assert client.get(_url(package["meeting"], fmt)).status_code == 404
    assert not AuditEvent.objects.filter(verb=AuditVerb.STATEMENT_DOWNLOADED).exists()


def test_unknown_formats_and_meetings_without_statements_are_404(package) -> None:
    client = _client(package["clerk"])
    assert client.get(_url(package["meeting"], "exe")).status_code == 404
    empty = f.make_meeting(package["committee"], name="Leere Sitzung")
    assert client.get(_url(empty, "pdf")).status_code == 404


def test_a_statement_of_the_clerks_other_committee_in_a_joint_meeting_only_if_visible(
    package,
) -> None:
    """A joint meeting: the statement consulted only by the other committee is not the clerk's."""
    other = f.make_organization("Bauausschuss", short_name="BA")
    package["meeting"].organizations.add(other)
    foreign = f.make_released_review(f.make_paper("Brücke", reference="V77/26"))
    f.make_consultation(foreign.paper, package["meeting"], organization=other, order=0)
    archive = zipfile.ZipFile(
        io.BytesIO(_client(package["clerk"]).get(_url(package["meeting"], "zip")).content)
    )
    assert not any("V77" in name for name in archive.namelist())


def test_a_package_download_is_recorded_per_statement_and_the_cards_say_downloaded(
    package,
) -> None:
    client = _client(package["clerk"])
    page = client.get(reverse("external:clerk")).content.decode()
    assert page.count("Neu für Sie") == 3
    client.get(_url(package["meeting"], "pdf"))
    events = AuditEvent.objects.filter(verb=AuditVerb.STATEMENT_DOWNLOADED)
    assert {e.review_id for e in events} == {r.pk for r in package["reviews"]}
    assert events.count() == 3
    assert {e.actor_id for e in events} == {package["clerk"].pk}
    assert all(e.details == {"format": "pdf", "meeting": package["meeting"].pk} for e in events)
    page = client.get(reverse("external:clerk")).content.decode()
    assert "Neu für Sie" not in page
    assert page.count(">Heruntergeladen<") == 3
    timeline = _client(f.head()).get(
        reverse("workflows:review_detail", args=[package["reviews"][0].pk])
    )
    assert "Stellungnahme heruntergeladen" in timeline.content.decode()


def test_a_single_download_is_recorded_too(package) -> None:
    review = package["reviews"][0]
    _client(package["clerk"]).get(reverse("dispatch:clerk_file", args=[review.pk, "pdf"]))
    event = AuditEvent.objects.get(verb=AuditVerb.STATEMENT_DOWNLOADED)
    assert event.review_id == review.pk and event.details == {"format": "pdf"}


def test_the_page_offers_the_package_per_meeting_and_names_the_committee_in_full(
    package,
) -> None:
    page = _client(package["clerk"]).get(reverse("external:clerk")).content.decode()
    assert _url(package["meeting"], "pdf") in page
    assert _url(package["meeting"], "zip") in page
    assert "Alle 3 Stellungnahmen für diese Sitzung" in page
    meeting_day = timezone.localtime(package["meeting"].start).strftime("%d.%m.%Y")
    text = " ".join(page.split())  # as it reads: the template wraps long lines
    assert f"Für: Ausschuss für Soziales und Integration (SIA) · Sitzung am {meeting_day}" in text
    # The office's statuses ("Versandt", "Abgeschlossen") are not the clerk's.
    assert ">Versandt<" not in page and "Abgeschlossen" not in page


def test_the_cards_of_a_meeting_follow_the_agenda_like_the_package(package) -> None:
    # Made in the order V20, V10, V30 (ids): the page numbers them as the agenda does.
    page = _client(package["clerk"]).get(reverse("external:clerk")).content.decode()
    cards = re.findall(r'<h3 class="kern-title">(V\d+/26) – ', page)
    assert cards == ["V10/26", "V20/26", "V30/26"]
    with zipfile.ZipFile(
        io.BytesIO(_client(package["clerk"]).get(_url(package["meeting"], "zip")).content)
    ) as archive:
        numbered = [n for n in archive.namelist() if n.endswith(".pdf")]
    assert numbered == [
        "01_V10-26_Stellungnahme.pdf",
        "02_V20-26_Stellungnahme.pdf",
        "03_V30-26_Stellungnahme.pdf",
    ]


def test_a_confirmed_receipt_and_a_replaced_version_say_so(package) -> None:
    clerk = package["clerk"]
    first, second, _third = package["reviews"]
    dispatch = first.dispatches.get()
    dispatch.confirmed_at, dispatch.confirmed_by = timezone.now(), clerk
    dispatch.save()
    # A second version of the second statement reaches the clerk after the first one.
    f.make_statement_version(second, f.officer())
    f.make_dispatch(second, clerk)
    page = _client(clerk).get(reverse("external:clerk")).content.decode()
    card = page.split(f'id="vorgang-{first.pk}"', 1)[1].split("</article>", 1)[0]
    assert "Empfang bestätigt" in card
    card = page.split(f'id="vorgang-{second.pk}"', 1)[1].split("</article>", 1)[0]
    assert "Ersetzt durch eine neue Fassung" in card


def test_the_offer_counts_every_statement_of_the_meeting_also_one_listed_earlier(
    package,
) -> None:
    """A paper deliberated first in an earlier meeting is listed there, but it belongs to the
    later meeting's package too, and the later meeting's offer counts it."""
    earlier = f.make_meeting(
        package["committee"], name="Vorberatung", start=timezone.now() + timedelta(days=2)
    )
    f.make_consultation(package["reviews"][0].paper, earlier, organization=package["committee"])
    page = _client(package["clerk"]).get(reverse("external:clerk")).content.decode()
    assert "1 Stellungnahme für diese Sitzung" in page
    assert "Alle 3 Stellungnahmen für diese Sitzung" in page
    assert page.index("Vorberatung") < page.index("Sozialausschuss")


def test_a_statement_without_a_readable_pdf_is_named_on_the_cover_and_only_in_the_zip(
    package,
) -> None:
    broken = package["documents"][1].files[0]
    with default_storage.open(broken.path, "wb") as handle:
        handle.write(b"%PDF-1.7 not really a PDF")
    client = _client(package["clerk"])
    reader = PdfReader(io.BytesIO(client.get(_url(package["meeting"], "pdf")).content))
    cover = reader.pages[0].extract_text()
    assert "2. V20/26 – Vorlage V20/26 (kein PDF: nur im ZIP)" in cover
    assert "(Seite 3–3)" in cover  # V30/26 follows V10/26 directly
    assert [p.extract_text() for p in reader.pages[1:]] == [
        "Stellungnahme zu V10/26 Seite 1",
        "Stellungnahme zu V30/26 Seite 1",
    ]
    archive = zipfile.ZipFile(io.BytesIO(client.get(_url(package["meeting"], "zip")).content))
    assert "02_V20-26_Stellungnahme.pdf" in archive.namelist()


def test_beyond_the_maximum_the_package_takes_the_first_and_says_so(package, monkeypatch) -> None:
    from review.dispatch import packages

    monkeypatch.setattr(packages, "MAX_STATEMENTS", 2)
    client = _client(package["clerk"])
    reader = PdfReader(io.BytesIO(client.get(_url(package["meeting"], "pdf")).content))
    cover = reader.pages[0].extract_text()
    assert "V30/26" not in cover
    assert "Nur die ersten 2 von 3 Stellungnahmen" in " ".join(cover.split())
    assert len(reader.pages) == 1 + 1 + 2
    archive = zipfile.ZipFile(io.BytesIO(client.get(_url(package["meeting"], "zip")).content))
    assert not any(name.startswith("03_") for name in archive.namelist())
    assert "Nur die ersten 2 von 3" in archive.read("HINWEIS.txt").decode()


def test_a_cover_longer_than_a_page_shifts_the_page_numbers(package) -> None:
    for n in range(40):
        _released_with_files(
            package["committee"], package["meeting"], f"V{100 + n}/26", order=10 + n
        )
    reader = PdfReader(
        io.BytesIO(_client(package["clerk"]).get(_url(package["meeting"], "pdf")).content)
    )
    cover = reader.pages[0].extract_text() + reader.pages[1].extract_text()
    assert "V139/26" not in reader.pages[0].extract_text()
    assert "1. V10/26 – Vorlage V10/26 (Seite 3–3)" in cover
    assert reader.pages[2].extract_text() == "Stellungnahme zu V10/26 Seite 1"
