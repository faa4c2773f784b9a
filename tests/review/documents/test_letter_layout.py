"""The letters sit where DIN 5008 puts them (Form B, or Form A when built so), measured in
LibreOffice's PDF to ±1 mm; and they carry nothing of the template's past or surroundings."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from docx import Document as WordDocument
from docx.oxml.ns import qn

from review.documents import pdf, rendering
from review.documents.context import build_context, sample_context
from review.models import DocumentKind, Review
from tests import factories

from .conftest import requires_libreoffice, requires_poppler

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "scripts"))
import din5008  # noqa: E402
import make_docx_templates as builder  # noqa: E402

MM_PER_PT = 25.4 / 72
WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>'
)


def _words(pdf_bytes: bytes, tmp_path: Path) -> list[tuple[float, float, str]]:
    """(left, top, text) in mm of every word on page 1."""
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf_bytes)
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return [(float(x) * MM_PER_PT, float(y) * MM_PER_PT, text) for x, y, text in WORD.findall(html)]


def _first(words: list[tuple[float, float, str]], text: str) -> tuple[float, float]:
    return next((x, y) for x, y, word in words if word == text)


def _marks(pdf_bytes: bytes, tmp_path: Path) -> list[float]:
    """Heights (mm) of the dark lines at the left edge (3–12 mm) of page 1, at 100 dpi."""
    path = tmp_path / "marks.pdf"
    path.write_bytes(pdf_bytes)
    subprocess.run(
        ["pdftoppm", "-r", "100", "-gray", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")],
        check=True,
    )
    raw = next(tmp_path.glob("p*.pgm")).read_bytes()
    magic, size, _depth, data = raw.split(b"\n", 3)
    assert magic == b"P5"
    width, height = map(int, size.split())
    mm = 25.4 / 100
    rows = [
        y * mm
        for y in range(height)
        if any(data[y * width + x] < 128 for x in range(int(3 / mm), int(12 / mm)))
    ]
    merged: list[float] = []
    for row in rows:  # one mark per run of adjacent dark rows
        if not merged or row - merged[-1] > 2:
            merged.append(row)
    return merged


def _template(form: str, kind: DocumentKind, tmp_path: Path) -> bytes:
    build = {
        DocumentKind.COMMITTEE: builder.committee_statement,
        DocumentKind.BEIRAT: builder.beirat_statement,
        DocumentKind.NOT_AFFECTED: builder.not_affected_note,
    }[kind]
    buffer = io.BytesIO()
    build(din5008.FORMS[form]).save(buffer)
    return buffer.getvalue()


@pytest.mark.libreoffice
@requires_libreoffice
@requires_poppler
@pytest.mark.parametrize(
    ("form", "kind"),
    [("B", k) for k in DocumentKind] + [("A", DocumentKind.COMMITTEE)],
    ids=lambda v: str(v),
)
def test_every_element_of_the_letter_is_at_its_din_5008_place(
    unoserver: int, tmp_path: Path, form: str, kind: DocumentKind
) -> None:
    positions = din5008.FORMS[form]
    template = rendering.bundled_template(kind) if form == "B" else _template(form, kind, tmp_path)
    context: dict[str, Any] = sample_context()
    words = _words(pdf.convert_to_pdf(rendering.render(template, context)), tmp_path)
    city = context["office"]["city"]
    # Return-address line: the last line of the additions zone, directly above the address.
    return_x, return_y = next((x, y) for x, y, w in words if w == "Stadt" and y > 30)
    assert return_x == pytest.approx(25, abs=1)
    assert return_y == pytest.approx(positions.return_line, abs=1)
    assert not any(
        positions.return_line + 2 < y < positions.address_top - 1 for x, y, _w in words if x < 110
    )
    # The address zone of the field, and the information block from 125 mm.
    first_line = "Ausländerbeirat" if kind == DocumentKind.BEIRAT else "Ausschuss"
    assert _first(words, first_line) == pytest.approx((25, positions.address_top), abs=1)
    assert _first(words, "Ihr") == pytest.approx((125, positions.info_top), abs=1)
    assert _first(words, "Bearbeitung:")[0] == pytest.approx(125, abs=1)
    # The subject two lines below the 45 mm address field.
    subject = "Vorlage" if kind == DocumentKind.NOT_AFFECTED else "Stellungnahme"
    assert min(y for x, y, w in words if w == subject and x < 30) == pytest.approx(
        positions.subject_top, abs=1
    )
    assert city in {w for _x, _y, w in words}


@pytest.mark.libreoffice
@requires_libreoffice
@requires_poppler
@pytest.mark.parametrize("form", ["B", "A"])
def test_fold_and_punch_marks_are_at_the_left_edge(
    unoserver: int, tmp_path: Path, form: str
) -> None:
    positions = din5008.FORMS[form]
    template = _template(form, DocumentKind.COMMITTEE, tmp_path)
    marks = _marks(pdf.convert_to_pdf(rendering.render(template, sample_context())), tmp_path)
    expected = sorted((*positions.folds, din5008.PUNCH_MARK))
    assert marks == pytest.approx(expected, abs=1)


def test_the_bundled_templates_are_built_for_form_b() -> None:
    for kind in DocumentKind:
        doc = WordDocument(io.BytesIO(rendering.bundled_template(kind)))
        frames = list(doc.element.body.iter(qn("w:framePr")))
        tops = {round(int(f.get(qn("w:y"))) * 25.4 / 1440, 1) for f in frames}
        assert {45 + 17.7, 50.0, 105.0, 148.5, 210.0} <= tops


def test_rows_of_the_change_table_never_split_across_pages() -> None:
    doc = WordDocument(io.BytesIO(rendering.render_committee_statement(sample_context())))
    [table] = [t for t in doc.tables if "Vorschlag" in t.rows[0].cells[2].text]
    assert len(table.rows) > 2
    for row in table.rows:
        assert row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None


@pytest.mark.django_db
def test_the_not_affected_note_names_who_handled_it() -> None:
    review = factories.make_review(
        status=Review.Status.NOT_AFFECTED,
        close_reason="Betrifft die Integration nicht.",
        closed_at=timezone.now(),
    )
    head = factories.head(first_name="Dana", last_name="Beispiel", phone="0123 456-1")
    context = build_context(
        review=review, kind=DocumentKind.NOT_AFFECTED, version=None, number=1, signatory=head
    )
    data = rendering.render_not_affected_note(context)
    text = "\n".join(p.text for p in WordDocument(io.BytesIO(data)).paragraphs)
    assert "Bearbeitung: Dana Beispiel" in text
    assert "Telefon: 0123 456-1" in text


def test_documents_name_stellwerk_as_their_application() -> None:
    for kind in DocumentKind:
        data = rendering.RENDERERS[kind](sample_context())
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            app = archive.read("docProps/app.xml").decode()
        assert "<Application>Stellwerk</Application>" in app
        assert "Microsoft" not in app


def _template_with_external_relationships() -> bytes:
    doc = WordDocument(io.BytesIO(rendering.bundled_template(DocumentKind.COMMITTEE)))
    paragraph = doc.add_paragraph("Siehe ")
    r_id = doc.part.relate_to(
        "https://intranet.musterstadt.example/geheim",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink",
        is_external=True,
    )
    link = paragraph._p.makeelement(qn("w:hyperlink"), {qn("r:id"): r_id})
    run = paragraph.add_run("Intranet")._r
    link.append(run)
    paragraph._p.append(link)
    settings_part = doc.part._settings_part
    settings = settings_part.element
    t_id = settings_part.relate_to(
        "file://fileserver/vorlagen/Normal.dotm",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate",
        is_external=True,
    )
    settings.append(settings.makeelement(qn("w:attachedTemplate"), {qn("r:id"): t_id}))
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def test_external_relationships_of_a_template_never_reach_the_document() -> None:
    template = _template_with_external_relationships()
    with zipfile.ZipFile(io.BytesIO(template)) as archive:
        assert any(
            'TargetMode="External"' in archive.read(n).decode()
            for n in archive.namelist()
            if n.endswith(".rels")
        )
    data = rendering.render(template, sample_context())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        rels = {n: archive.read(n).decode() for n in archive.namelist() if n.endswith(".rels")}
        settings = archive.read("word/settings.xml").decode()
    assert not any("External" in content for content in rels.values())
    assert "intranet.musterstadt.example" not in "".join(rels.values())
    assert "attachedTemplate" not in settings
    text = "\n".join(p.text for p in WordDocument(io.BytesIO(data)).paragraphs)
    assert "Siehe Intranet" in text
