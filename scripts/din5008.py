"""DIN 5008 letter positions (Form A and B) and how scripts/make_docx_templates.py pins
paragraphs to them: Word frames at fixed places on the page, which LibreOffice keeps."""

from __future__ import annotations

from dataclasses import dataclass

from docx.document import Document as DocType
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph


@dataclass(frozen=True)
class Form:
    """DIN 5008 positions on A4 in mm from the top/left edge of the sheet (Form A or B)."""

    name: str
    letterhead: float  # height of the letterhead; the address field starts here
    info_top: float  # the information block (from 125 mm left)
    folds: tuple[float, float]

    @property
    def return_line(self) -> float:
        # The last of the 17.7 mm "Zusatz- und Vermerkzone": directly above the address.
        return self.letterhead + ADDITIONS_ZONE - RETURN_LINE_HEIGHT

    @property
    def address_top(self) -> float:
        return self.letterhead + ADDITIONS_ZONE

    @property
    def subject_top(self) -> float:
        # Two blank lines (2 × 4.23 mm) after the 45 mm address field.
        return self.letterhead + 45 + 2 * 4.23


FORMS = {
    "B": Form("B", letterhead=45, info_top=50, folds=(105, 210)),
    "A": Form("A", letterhead=27, info_top=32, folds=(87, 192)),
}
ADDITIONS_ZONE = 17.7
RETURN_LINE_HEIGHT = 5.0
ADDRESS_LEFT = 25.0  # the field starts at 20 mm; its text 5 mm further in, flush with the body
ADDRESS_WIDTH = 80.0
ADDRESS_ZONE = 27.3
INFO_LEFT = 125.0
INFO_WIDTH = 75.0
PUNCH_MARK = 148.5
TOP_MARGIN = 30.0
MARK_LEFT, MARK_WIDTH = 4.0, 6.0


def _twips(mm: float) -> str:
    return str(round(mm * 1440 / 25.4))


def frame(
    paragraph: Paragraph, *, left: float, top: float, width: float, height: float | None = None
) -> None:
    """Places the paragraph at a fixed spot on the page (a Word frame, which LibreOffice keeps);
    consecutive paragraphs with the same frame form one block. Text flows through, not around,
    so the body below starts where the spacer says, not where the frames leave room."""
    frame_pr = OxmlElement("w:framePr")
    frame_pr.set(qn("w:w"), _twips(width))
    if height is not None:
        frame_pr.set(qn("w:h"), _twips(height))
        frame_pr.set(qn("w:hRule"), "exact")
    frame_pr.set(qn("w:wrap"), "through")
    frame_pr.set(qn("w:vAnchor"), "page")
    frame_pr.set(qn("w:hAnchor"), "page")
    frame_pr.set(qn("w:x"), _twips(left))
    frame_pr.set(qn("w:y"), _twips(top))
    p_pr = paragraph._p.get_or_add_pPr()
    # framePr comes right after pStyle/keepNext/keepLines in the schema's order.
    style = p_pr.find(qn("w:pStyle"))
    if style is not None:
        style.addnext(frame_pr)
    else:
        p_pr.insert(0, frame_pr)


def marks(doc: DocType, form: Form) -> None:
    """Fold marks and the punch mark: short lines at the left edge of the first page."""
    for top in (*form.folds, PUNCH_MARK):
        p = doc.add_paragraph(style=doc.styles["Kleingedruckt"])
        frame(p, left=MARK_LEFT, top=top, width=MARK_WIDTH, height=0.5)
        border = OxmlElement("w:pBdr")
        line = OxmlElement("w:top")
        for key, value in (("val", "single"), ("sz", "4"), ("space", "0"), ("color", "000000")):
            line.set(qn(f"w:{key}"), value)
        border.append(line)
        p._p.get_or_add_pPr().append(border)
        p.paragraph_format.line_spacing = Pt(1)
