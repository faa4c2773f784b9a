"""The clerk's package per meeting: every released statement for one meeting, as one PDF with a
cover page and as a ZIP of the original files.

pypdf merges the finished PDFs page by page in pure Python (pikepdf would need qpdf); fpdf2 writes
the single cover page. The merged file is a reading copy: the PDF/A originals, the files of
record, are in the ZIP unchanged (docs/external-users.md, "The clerks' view")."""

from __future__ import annotations

import hashlib
import io
import logging
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError

from review.external import access
from review.models import AuditEvent, AuditVerb, Meeting, Review, StatementDownload, User

from .documents import StoredFile
from .downloads import statement_files

logger = logging.getLogger(__name__)

# A TrueType font for the cover page: „“ and – are outside the PDF core fonts' Latin-1.
COVER_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
# More statements than a committee's agenda holds: the package takes the first ones and says so
# (a merge of hundreds of PDFs would hold one request for minutes).
MAX_STATEMENTS = 60


@dataclass(frozen=True)
class PackageItem:
    """One statement of the package, in agenda order."""

    position: int
    review: Review
    pdf: StoredFile | None
    docx: StoredFile | None


def may_see_meeting(user: User, meeting: Meeting) -> bool:
    """The office, or a clerk of one of the meeting's committees."""
    if access.is_office(user):
        return True
    if not user.has_perm("review.view_released_statement"):
        return False
    return meeting.organizations.filter(pk__in=user.organizations.values("pk")).exists()


def package_items(user: User, meeting: Meeting) -> list[PackageItem]:
    """The released statements this person may see on papers deliberated in this meeting,
    in the order of the agenda (then by reference)."""
    reviews = (
        access.clerk_reviews(user)
        .filter(paper__consultations__meeting=meeting, paper__consultations__deleted=False)
        .select_related("paper", "statement")
        .prefetch_related("paper__consultations__agenda_item")
    )
    ordered = sorted(reviews, key=lambda review: agenda_key(review, meeting))
    items = []
    for position, review in enumerate(ordered, 1):
        files = statement_files(review, "clerk")
        items.append(PackageItem(position, review, files.get("pdf"), files.get("docx")))
    return items


def agenda_key(review: Review, meeting: Meeting) -> tuple[int, str, int]:
    """Where the paper stands on this meeting's agenda, then its reference: the order of the
    package and of the clerk's cards. Reads the consultations prefetched with their agenda items."""
    orders = [
        c.agenda_item.order if c.agenda_item else c.order
        for c in review.paper.consultations.all()
        if c.meeting_id == meeting.pk
    ]
    return (min(orders, default=0), review.paper.reference or "", review.pk)


def meeting_title(meeting: Meeting) -> str:
    """ "Sozialausschuss am 15.12.2026 – Ausschuss für Soziales (SA)" """
    when = formats.date_format(timezone.localtime(meeting.start), "d.m.Y") if meeting.start else ""
    committees = ", ".join(o.full_name for o in meeting.organizations.all())
    title = meeting.name or committees or _("Meeting")
    if when:
        title = _("%(meeting)s on %(date)s") % {"meeting": title, "date": when}
    if committees and committees != meeting.name:
        title += f" – {committees}"
    return title


def limit_note(shown: int, total: int) -> str:
    if total <= shown:
        return ""
    return _(
        "Only the first %(shown)d of %(total)d statements are in this package; please download "
        "the others one by one from the list."
    ) % {"shown": shown, "total": total}


def merged_pdf(meeting: Meeting, items: list[PackageItem], *, total: int) -> bytes:
    """A cover page listing the statements, then each statement's PDF in the same order."""
    readers: list[PdfReader | None] = []
    for item in items:
        readers.append(_read_pdf(item.pdf) if item.pdf is not None else None)
    # A long agenda takes more than one cover page: lay it out once to count them.
    cover_pages = len(PdfReader(io.BytesIO(_cover(meeting, items, readers, 1, total))).pages)
    cover = _cover(meeting, items, readers, cover_pages, total)
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(cover)))
    for reader in readers:
        if reader is not None:
            writer.append(reader)
    writer.add_metadata(
        {"/Title": _("Statements of the integration office") + " – " + meeting_title(meeting)}
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _read_pdf(stored: StoredFile) -> PdfReader | None:
    """The statement's PDF, or None when it cannot be read (then only the ZIP has it, and the
    cover page says so) — one broken file must not cost the clerk the whole package."""
    with default_storage.open(stored.path, "rb") as handle:
        content = handle.read()
    try:
        reader = PdfReader(io.BytesIO(content))
        len(reader.pages)  # pypdf reads lazily: a broken page tree shows up here
    except PdfReadError:
        logger.warning("Package: %s is not a readable PDF", stored.path)
        return None
    return reader


def _cover(
    meeting: Meeting,
    items: list[PackageItem],
    readers: list[PdfReader | None],
    cover_pages: int,
    total: int,
) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    if COVER_FONT.exists():
        pdf.add_font("Cover", "", str(COVER_FONT))
        family = "Cover"
    else:  # the PDF core font: Latin-1 only
        family = "Helvetica"

    def text(value: str) -> str:
        if family == "Cover":
            return value
        return (
            value.replace("„", '"')
            .replace("“", '"')
            .replace("–", "-")
            .encode("latin-1", "replace")
            .decode("latin-1")
        )

    pdf.set_font(family, size=16)
    pdf.multi_cell(0, 8, text(_("Statements of the integration office")))
    pdf.ln(2)
    pdf.set_font(family, size=12)
    pdf.multi_cell(0, 6, text(meeting_title(meeting)))
    pdf.ln(4)
    page = cover_pages + 1
    for item, reader in zip(items, readers, strict=True):
        paper = item.review.paper
        line = f"{item.position}. {paper.reference} – {paper.name}"
        if reader is None:
            line += " " + _("(no PDF: only in the ZIP)")
        else:
            pages = len(reader.pages)
            line += " " + _("(page %(first)d–%(last)d)") % {"first": page, "last": page + pages - 1}
            page += pages
        pdf.set_font(family, size=11)
        pdf.multi_cell(0, 6, text(line))
        pdf.ln(1)
    pdf.ln(4)
    pdf.set_font(family, size=9)
    note = limit_note(len(items), total)
    if note:
        pdf.multi_cell(0, 5, text(note))
        pdf.ln(2)
    stamp = formats.date_format(timezone.localtime(), "d.m.Y, H:i")
    pdf.multi_cell(
        0,
        5,
        text(
            _(
                "Compiled by Stellwerk on %(when)s. The files of record are the PDF/A and Word "
                "originals in the ZIP package of this meeting."
            )
            % {"when": stamp}
        ),
    )
    return bytes(pdf.output())


def originals_zip(items: list[PackageItem], *, total: int) -> bytes:
    """The original files, numbered in agenda order, and a list of their SHA-256 sums."""
    out = io.BytesIO()
    sums = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in items:
            for stored in (item.pdf, item.docx):
                if stored is None:
                    continue
                with default_storage.open(stored.path, "rb") as handle:
                    content = handle.read()
                name = f"{item.position:02d}_{stored.filename}"
                archive.writestr(name, content)
                sums.append(f"{hashlib.sha256(content).hexdigest()}  {name}")
        archive.writestr("SHA256SUMS.txt", "\n".join(sums) + "\n")
        note = limit_note(len(items), total)
        if note:
            archive.writestr("HINWEIS.txt", note + "\n")
    return out.getvalue()


@transaction.atomic
def record_package_download(
    *, items: list[PackageItem], meeting: Meeting, fmt: str, by: User
) -> None:
    """Each statement in the package counts as downloaded, as a single download does."""
    for item in items:
        record_download(review=item.review, fmt=fmt, by=by, meeting=meeting)


@transaction.atomic
def record_download(
    *, review: Review, fmt: str, by: User, meeting: Meeting | None = None
) -> AuditEvent:
    """The person's last download of the statement (StatementDownload, read by the clerk's
    card), and the download in the audit trail."""
    details: dict[str, object] = {"format": fmt}
    if meeting is not None:
        details["meeting"] = meeting.pk
    StatementDownload.objects.update_or_create(
        review=review, person=by, defaults={"last_downloaded_at": timezone.now()}
    )
    return AuditEvent.record(
        AuditVerb.STATEMENT_DOWNLOADED, actor=by, obj=review, review=review, details=details
    )
