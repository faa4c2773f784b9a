"""Build the bundled Word templates in docx_templates/ (DIN 5008 letter, docxtpl tags).

The .docx files are committed: they are the office's editable starting point. Run this script
after changing the layout here, then `pytest tests/review/documents` (every template is rendered
with the sample context there). Usage: `.venv/bin/python scripts/make_docx_templates.py`.
"""

from __future__ import annotations

import argparse
import io
import re
from collections.abc import Callable
from pathlib import Path

from din5008 import (  # scripts/ is on sys.path when this script runs
    ADDRESS_LEFT,
    ADDRESS_WIDTH,
    ADDRESS_ZONE,
    FORMS,
    INFO_LEFT,
    INFO_WIDTH,
    RETURN_LINE_HEIGHT,
    TOP_MARGIN,
    Form,
    frame,
    marks,
)
from docx import Document
from docx.document import Document as DocType
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx_building_blocks import (
    fixed_widths,
    layout_table,
    logo_png,
    no_borders,
    page_field,
    setup_styles,
)

OUT = Path(__file__).resolve().parent.parent / "docx_templates"
LOGO_ALT = "Logo der Stadt {{ office.city }}"


def letterhead(doc: DocType, subtitle: str, form: Form) -> None:
    section = doc.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    # DIN 5008: left 25 mm, right 20 mm; the letterhead within the form's head.
    section.left_margin, section.right_margin = Mm(25), Mm(20)
    section.top_margin, section.bottom_margin = Mm(TOP_MARGIN), Mm(25)
    section.header_distance, section.footer_distance = Mm(8), Mm(10)
    section.different_first_page_header_footer = False

    header = section.header
    table = header.add_table(1, 2, width=Mm(165))
    no_borders(table)
    layout_table(table)
    left, right = table.rows[0].cells
    fixed_widths(table, (Mm(140), Mm(25)))
    p = left.paragraphs[0]
    run = p.add_run("Stadt {{ office.city }}")
    run.bold = True
    run.font.size = Pt(14)
    p2 = left.add_paragraph("{{ office.department }} · {{ office.name }}")
    p2.style = doc.styles["Infoblock"]
    logo = right.paragraphs[0]
    logo.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    # 12 mm: the header then ends above the 27 mm head of Form A and the 30 mm top margin (a
    # taller header would push the whole body, and with it the subject, down).
    logo.add_run().add_picture(io.BytesIO(logo_png()), width=Mm(12))
    header.paragraphs[0].text = ""

    footer = section.footer
    fp = footer.paragraphs[0]
    fp.style = doc.styles["Kleingedruckt"]
    fp.text = (
        "Stadt {{ office.city }} · {{ office.name }} · {{ office.street }} · "
        "{{ office.postcode_city }} · Tel. {{ office.phone }} · {{ office.email }}"
    )
    pages = footer.add_paragraph(style=doc.styles["Kleingedruckt"])
    pages.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    pages.add_run(f"{subtitle} · Seite ")
    page_field(pages, "PAGE")
    pages.add_run(" von ")
    page_field(pages, "NUMPAGES")


def address_and_info(doc: DocType, addressee: list[str], form: Form) -> None:
    """Return-address line, address field and information block at their DIN 5008 places,
    then a spacer that makes the subject start two lines below the address field."""
    sender = doc.add_paragraph(style=doc.styles["Kleingedruckt"])
    # One short line (it must fit the window): the city's postal address, without the office.
    sender.add_run(
        "Stadt {{ office.city }} · {{ office.street }} · {{ office.postcode_city }}"
    ).underline = True
    frame(
        sender, left=ADDRESS_LEFT, top=form.return_line, width=ADDRESS_WIDTH,
        height=RETURN_LINE_HEIGHT,
    )  # fmt: skip
    for line in addressee:
        p = doc.add_paragraph(line)
        p.paragraph_format.space_after = Pt(0)
        frame(p, left=ADDRESS_LEFT, top=form.address_top, width=ADDRESS_WIDTH, height=ADDRESS_ZONE)
    info = [
        ("Ihr Zeichen", "{{ paper.reference }}"),
        ("Unser Zeichen", "{{ document.file_reference }}"),
        ("Datum", "{{ document.date|datum }}"),
        ("Bearbeitung", "{{ officer.name }}"),
        ("Telefon", "{{ officer.phone }}"),
        ("E-Mail", "{{ officer.email }}"),
    ]
    for label, value in info:
        p = doc.add_paragraph(style=doc.styles["Infoblock"])
        p.add_run(f"{label}: ").bold = True
        p.add_run(value)
        frame(p, left=INFO_LEFT, top=form.info_top, width=INFO_WIDTH)
    marks(doc, form)
    spacer = doc.add_paragraph(style=doc.styles["Kleingedruckt"])
    spacer.paragraph_format.space_before = Pt(0)
    spacer.paragraph_format.space_after = Pt(0)
    spacer.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    spacer.paragraph_format.line_spacing = Mm(form.subject_top - TOP_MARGIN)


def subject(doc: DocType, text: str) -> None:
    # Bold subject without the word "Betreff" (DIN 5008); Title style so it is a heading too.
    doc.add_paragraph(text, style="Title")


def reference_line(doc: DocType) -> None:
    p = doc.add_paragraph()
    p.add_run("Bezug: ").bold = True
    p.add_run(
        "{{ paper.paper_type }} Nr. {{ paper.reference }} vom {{ paper.date|datum }}"
        "{% if paper.lead_office %}, federführend: {{ paper.lead_office }}{% endif %}"
    )
    doc.add_paragraph("{%p if consultations %}")
    p = doc.add_paragraph()
    p.add_run("Beratungsfolge:").bold = True
    doc.add_paragraph("{%p for c in consultations %}")
    doc.add_paragraph(
        "{{ c.organization }} – {{ c.role }}{% if c.meeting_date %}, Sitzung am "
        "{{ c.meeting_date|datum }}{% endif %}",
        style="List Bullet",
    )
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endif %}")


def paragraphs(doc: DocType, variable: str) -> None:
    doc.add_paragraph(f"{{%p for absatz in {variable} %}}")
    doc.add_paragraph("{{ absatz }}")
    doc.add_paragraph("{%p endfor %}")


def change_table(doc: DocType) -> None:
    doc.add_paragraph("{%p if statement.changes %}")
    table = doc.add_table(rows=4, cols=4)
    table.style = doc.styles["Table Grid"]
    widths = (Mm(10), Mm(40), Mm(65), Mm(50))
    header = table.rows[0]
    # Repeats on every page and becomes the table header (TH) in the tagged PDF.
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell, label, width in zip(
        header.cells,
        ("Nr.", "Stelle in der Vorlage", "Vorschlag", "Begründung"),
        widths,
        strict=True,
    ):
        cell.width = width
        cell.paragraphs[0].add_run(label).bold = True
    table.rows[1].cells[0].paragraphs[0].text = "{%tr for change in statement.changes %}"
    for cell, value, width in zip(
        table.rows[2].cells,
        (
            "{{ change.position }}",
            "{{ change.location }}",
            "{{ change.proposal }}",
            "{{ change.reason }}",
        ),
        widths,
        strict=True,
    ):
        cell.width = width
        cell.paragraphs[0].text = value
    table.rows[3].cells[0].paragraphs[0].text = "{%tr endfor %}"
    fixed_widths(table, widths)
    # A proposal is read as one: its row moves to the next page whole instead of splitting.
    for row in table.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph("Änderungen an der Vorlage schlagen wir nicht vor.")
    doc.add_paragraph("{%p endif %}")


def recommendation(doc: DocType) -> None:
    p = doc.add_paragraph()
    p.add_run("Empfehlung des Büros für Integration: ").bold = True
    p.add_run("{{ statement.recommendation }}")
    paragraphs(doc, "statement.recommendation_text")
    doc.add_paragraph("{%p if beirat_vote %}")
    p = doc.add_paragraph()
    p.add_run("Votum des Ausländerbeirats").bold = True
    p.add_run(
        "{% if beirat_vote.meeting_date %} (Sitzung am {{ beirat_vote.meeting_date|datum }})"
        "{% endif %}: {{ beirat_vote.vote }}"
    )
    paragraphs(doc, "beirat_vote.text")
    doc.add_paragraph("{%p endif %}")


def closing(doc: DocType) -> None:
    doc.add_paragraph("")
    doc.add_paragraph("Im Auftrag")
    doc.add_paragraph("gez. {{ signatory.name }}")
    doc.add_paragraph("{{ signatory.job_title }}")


def enclosures(doc: DocType) -> None:
    doc.add_paragraph("{%p if attachments %}")
    doc.add_paragraph("Anlagen", style="Heading 2")
    doc.add_paragraph("{%p for anlage in attachments %}")
    doc.add_paragraph("{{ anlage }}", style="List Bullet")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("Verteiler", style="Heading 2")
    doc.add_paragraph("{%p for empfaenger in distribution %}")
    doc.add_paragraph("{{ empfaenger }}", style="List Bullet")
    doc.add_paragraph("{%p endfor %}")


def statement_body(doc: DocType) -> None:
    doc.add_paragraph("1. Sachverhalt", style="Heading 1")
    paragraphs(doc, "statement.facts")
    doc.add_paragraph("2. Bewertung aus Sicht der Integration", style="Heading 1")
    paragraphs(doc, "statement.assessment")
    doc.add_paragraph("3. Änderungsvorschläge", style="Heading 1")
    change_table(doc)
    doc.add_paragraph("4. Empfehlung und Votum", style="Heading 1")
    recommendation(doc)


def new_document(title: str, subtitle: str, form: Form) -> DocType:
    doc = Document()
    setup_styles(doc)
    letterhead(doc, subtitle, form)
    props = doc.core_properties
    props.title = title
    props.subject = "{{ paper.name }}"
    props.language = "de-DE"
    props.author = "Stadt {{ office.city }} – {{ office.name }}"
    props.last_modified_by = ""
    props.comments = ""
    props.keywords = "Stellungnahme"
    props.revision = 1
    return doc


def committee_statement(form: Form) -> DocType:
    doc = new_document(
        "Stellungnahme zur Vorlage {{ paper.reference }} – {{ paper.name }}",
        "Stellungnahme {{ paper.reference }}",
        form,
    )
    address_and_info(
        doc,
        ["{{ addressee.name }}", "{% if addressee.via %}{{ addressee.via }}{% endif %}"],
        form,
    )
    subject(doc, "Stellungnahme zur Vorlage Nr. {{ paper.reference }} – {{ paper.name }}")
    reference_line(doc)
    doc.add_paragraph("Sehr geehrte Damen und Herren,")
    doc.add_paragraph(
        "zu der oben genannten Vorlage nimmt das {{ office.name }} wie folgt Stellung."
    )
    statement_body(doc)
    closing(doc)
    enclosures(doc)
    return doc


def beirat_statement(form: Form) -> DocType:
    doc = new_document(
        "Information an den Ausländerbeirat zur Vorlage {{ paper.reference }} – {{ paper.name }}",
        "Information Ausländerbeirat {{ paper.reference }}",
        form,
    )
    address_and_info(
        doc, ["Ausländerbeirat der Stadt {{ office.city }}", "– Vorsitz und Mitglieder –"], form
    )
    subject(doc, "Stellungnahme zur Vorlage Nr. {{ paper.reference }} – {{ paper.name }}")
    reference_line(doc)
    doc.add_paragraph("Sehr geehrte Mitglieder des Ausländerbeirats,")
    doc.add_paragraph(
        "zur Information erhalten Sie unsere Stellungnahme zu der oben "
        "genannten Vorlage{% if review.deadline %}, die bis zum {{ review.deadline|datum }} "
        "abgegeben wird{% endif %}."
    )
    statement_body(doc)
    closing(doc)
    enclosures(doc)
    return doc


def not_affected_note(form: Form) -> DocType:
    doc = new_document(
        "Vermerk keine Betroffenheit – Vorlage {{ paper.reference }}",
        "Vermerk {{ paper.reference }}",
        form,
    )
    address_and_info(
        doc,
        ["{{ addressee.name }}", "{% if addressee.via %}{{ addressee.via }}{% endif %}"],
        form,
    )
    subject(doc, "Vorlage Nr. {{ paper.reference }} – {{ paper.name }}: keine Betroffenheit")
    reference_line(doc)
    doc.add_paragraph("Vermerk", style="Heading 1")
    doc.add_paragraph(
        "Das {{ office.name }} hat die Vorlage gesichtet. Belange der Integration sind nicht "
        "betroffen; eine Stellungnahme wird nicht abgegeben."
    )
    p = doc.add_paragraph()
    p.add_run("Begründung: ").bold = True
    p.add_run("{{ not_affected.reason }}")
    closing(doc)
    doc.add_paragraph("Verteiler", style="Heading 2")
    doc.add_paragraph("{%p for empfaenger in distribution %}")
    doc.add_paragraph("{{ empfaenger }}", style="List Bullet")
    doc.add_paragraph("{%p endfor %}")
    return doc


def set_logo_alt_text(doc: DocType) -> None:
    for part in [doc.sections[0].header.part]:
        for doc_pr in part.element.iter(qn("wp:docPr")):
            doc_pr.set("descr", LOGO_ALT)
            doc_pr.set("name", "Logo")


TEMPLATES: dict[str, Callable[[Form], DocType]] = {
    "committee_statement.docx": committee_statement,
    "beirat_statement.docx": beirat_statement,
    "not_affected_note.docx": not_affected_note,
}


def set_application(doc: DocType) -> None:
    """python-docx's starting file says "Microsoft Macintosh Word"; ours says what made it."""
    for part in doc.part.package.iter_parts():
        if part.partname == "/docProps/app.xml":
            part._blob = re.sub(
                rb"<Application>[^<]*</Application>", b"<Application>Stellwerk</Application>",
                part.blob,
            )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--form", choices=sorted(FORMS), default="B",
        help="DIN 5008 Form B (45 mm letterhead, default) or Form A (27 mm)",
    )  # fmt: skip
    parser.add_argument("--out", type=Path, default=OUT, help="folder (default docx_templates/)")
    args = parser.parse_args()
    form = FORMS[args.form]
    args.out.mkdir(exist_ok=True)
    for name, build in TEMPLATES.items():
        doc = build(form)
        set_logo_alt_text(doc)
        set_application(doc)
        doc.sections[0].start_type = WD_SECTION.NEW_PAGE
        doc.save(str(args.out / name))
        print(f"wrote {args.out / name} (DIN 5008 Form {form.name})")


if __name__ == "__main__":
    main()
