"""Every bundled template renders the sample context into a correct, clean Word document."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
from docx import Document as WordDocument
from docx.document import Document as WordFile
from docx.oxml.ns import qn
from jinja2 import UndefinedError
from jinja2.exceptions import SecurityError

from review.documents import rendering
from review.documents.context import sample_context

TEMPLATE_DIR = Path(rendering.BUNDLED_DIR)


def _open(data: bytes) -> WordFile:
    return WordDocument(io.BytesIO(data))


def _body_text(doc: WordFile) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def _header_footer_text(doc: WordFile) -> str:
    section = doc.sections[0]
    texts = [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    for table in section.header.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(texts)


def _template_with(text: str) -> bytes:
    doc = WordDocument(str(TEMPLATE_DIR / "committee_statement.docx"))
    doc.add_paragraph(text)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("path", sorted(TEMPLATE_DIR.glob("*.docx")), ids=lambda p: p.name)
def test_every_bundled_template_renders_the_sample_context(path: Path) -> None:
    data = rendering.render(path.read_bytes(), sample_context())
    doc = _open(data)
    text = _body_text(doc) + _header_footer_text(doc)
    assert "{{" not in text and "{%" not in text
    assert "V2345/24" in text
    assert "Stadt Musterstadt" in text
    assert "Sprachförderung in Kitas & Grundschulen <Pilotphase>" in text
    assert "Im Auftrag" in text and "gez. Dr. Jörg Weiß" in text


def test_committee_statement_has_every_part_of_the_letter() -> None:
    doc = _open(rendering.render_committee_statement(sample_context()))
    text = _body_text(doc)
    for expected in (
        "Ausschuss für Soziales und Integration",
        "über Dezernat III",
        "Ihr Zeichen: V2345/24",
        "Datum: 01.03.2026",
        "Bearbeitung: Aylin Öztürk",
        "Bezug: Beschlussvorlage Nr. V2345/24 vom 10.02.2026, federführend: Amt für Bildung",
        "Gemeinderat – Entscheidung, Sitzung am 26.03.2026",
        "1. Sachverhalt",
        "2. Bewertung aus Sicht der Integration",
        "3. Änderungsvorschläge",
        "4. Empfehlung und Votum",
        "Empfehlung des Büros für Integration: Zustimmung mit Änderungen",
        "Votum des Ausländerbeirats (Sitzung am 24.02.2026): Zustimmung",
        "Anlagen",
        "Übersicht der Standorte",
        "Verteiler",
    ):
        assert expected in text, expected
    subject = next(p for p in doc.paragraphs if p.text.startswith("Stellungnahme zur Vorlage Nr."))
    assert subject.style is not None and subject.style.name == "Title"
    assert not any(p.text.startswith("Betreff") for p in doc.paragraphs)
    headings = [
        p.text for p in doc.paragraphs if p.style is not None and p.style.name == "Heading 1"
    ]
    assert headings == [
        "1. Sachverhalt",
        "2. Bewertung aus Sicht der Integration",
        "3. Änderungsvorschläge",
        "4. Empfehlung und Votum",
    ]


def test_header_and_footer_carry_the_office_and_page_numbers() -> None:
    data = rendering.render_committee_statement(sample_context())
    doc = _open(data)
    text = _header_footer_text(doc)
    assert "Stadt Musterstadt" in text
    assert "Büro für Integration" in text
    assert "Rathausplatz 1" in text
    assert "Seite 1 von 1" in text  # field results; Word and LibreOffice update them
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        footers = "".join(
            archive.read(n).decode() for n in archive.namelist() if n.startswith("word/footer")
        )
    assert " PAGE " in footers and " NUMPAGES " in footers


def test_user_text_keeps_umlauts_quotes_and_markup_characters() -> None:
    doc = _open(rendering.render_committee_statement(sample_context()))
    text = _body_text(doc)
    assert "die „Sprach-Kitas“ in 14 Einrichtungen" in text
    assert "Haushalt 2026 & 2027 (Ansatz < 2 Mio. €)" in text
    # The paragraph after the one with & and < survives (without autoescape it vanished).
    facts = [p.text for p in doc.paragraphs]
    index = facts.index(
        "Die Kosten von 1,2 Mio. € trägt der Haushalt 2026 & 2027 (Ansatz < 2 Mio. €)."
    )
    assert facts[index + 1] == "2. Bewertung aus Sicht der Integration"


def test_change_table_has_a_repeating_header_and_one_row_per_proposal() -> None:
    doc = _open(rendering.render_committee_statement(sample_context()))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Nr.")
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["Nr.", "Stelle in der Vorlage", "Vorschlag", "Begründung"]
    assert len(rows) == 3
    assert rows[1][1] == "Beschlussvorschlag, Nr. 2"
    assert rows[2][2] == "Der Ausländerbeirat wird vor der Evaluation > angehört."
    tr_pr = table.rows[0]._tr.trPr
    assert tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None


def test_without_changes_or_beirat_vote_the_letter_says_so() -> None:
    context = sample_context()
    context["statement"]["changes"] = []
    context["beirat_vote"] = None
    doc = _open(rendering.render_committee_statement(context))
    text = _body_text(doc)
    assert "Änderungen an der Vorlage schlagen wir nicht vor." in text
    assert "Votum des Ausländerbeirats" not in text
    assert not any(t.rows[0].cells[0].text == "Nr." for t in doc.tables)


def test_document_is_german_titled_and_free_of_personal_metadata() -> None:
    data = rendering.render_committee_statement(sample_context())
    doc = _open(data)
    props = doc.core_properties
    assert props.title == (
        "Stellungnahme zur Vorlage V2345/24 – Sprachförderung in Kitas & Grundschulen <Pilotphase>"
    )
    assert props.author == "Stadt Musterstadt – Büro für Integration"
    assert props.last_modified_by == ""
    assert props.comments == ""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        styles = archive.read("word/styles.xml").decode()
        names = archive.namelist()
        app = archive.read("docProps/app.xml").decode()
    assert 'w:lang w:val="de-DE"' in styles
    assert "word/comments.xml" not in names
    assert "<Company>" not in app


def test_the_logo_has_an_alt_text() -> None:
    doc = _open(rendering.render_committee_statement(sample_context()))
    descriptions = [
        el.get("descr") for el in doc.sections[0].header.part.element.iter(qn("wp:docPr"))
    ]
    assert descriptions == ["Logo der Stadt Musterstadt"]


def test_german_quotes_inside_tags_are_normalised_but_kept_in_text() -> None:
    data = rendering.render(
        _template_with("„Zitat“ {% if paper.reference == „V2345/24“ %}passt{% endif %}"),
        sample_context(),
    )
    assert "„Zitat“ passt" in _body_text(_open(data))


def test_german_date_filters() -> None:
    assert rendering.german_date(date(2026, 3, 1)) == "01.03.2026"
    assert rendering.german_long_date(date(2026, 3, 1)) == "1. März 2026"
    assert rendering.german_date(None) == ""
    data = rendering.render(_template_with("am {{ document.date|datum_lang }}"), sample_context())
    assert "am 1. März 2026" in _body_text(_open(data))


def test_an_unknown_attribute_is_an_error_not_empty_text() -> None:
    with pytest.raises(UndefinedError):
        rendering.render(_template_with("{{ paper.refrence }}"), sample_context())


def test_templates_cannot_reach_python_internals() -> None:
    with pytest.raises(SecurityError):
        rendering.render(_template_with("{{ ''.__class__.__mro__ }}"), sample_context())


def test_comments_and_tracked_changes_are_removed() -> None:
    doc = WordDocument(str(TEMPLATE_DIR / "not_affected_note.docx"))
    paragraph = doc.add_paragraph("Text mit Kommentar")
    doc.add_comment(paragraph.runs, text="Bitte prüfen – Frau Müller", author="Müller")
    buffer = io.BytesIO()
    doc.save(buffer)
    data = rendering.render(buffer.getvalue(), sample_context())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        document_xml = archive.read("word/document.xml").decode()
        names = archive.namelist()
    assert "Text mit Kommentar" in document_xml
    assert "commentReference" not in document_xml and "commentRangeStart" not in document_xml
    assert "word/comments.xml" not in names


def test_a_broken_xml_part_is_detected() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document><w:body></w:document>")
    with pytest.raises(rendering.DocumentRenderError, match=r"word/document\.xml"):
        rendering.check_well_formed(buffer.getvalue())


def test_the_beirat_letter_introduces_the_statement_grammatically() -> None:
    template = (TEMPLATE_DIR / "beirat_statement.docx").read_bytes()
    text = _body_text(_open(rendering.render(template, sample_context())))
    assert "zur Information erhalten Sie unsere Stellungnahme zu der oben genannten Vorlage" in text
    assert "Stellungnahme des Büro" not in text
