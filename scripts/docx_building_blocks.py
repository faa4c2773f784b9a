"""Word building blocks for scripts/make_docx_templates.py: styles, fields, tables, the logo."""

from __future__ import annotations

import struct
import zlib

from docx.document import Document as DocType
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

FONT = "Arial"  # LibreOffice substitutes the metric-compatible Liberation Sans


def logo_png(size: int = 96) -> bytes:
    """A small neutral emblem (a shield outline) drawn without an imaging library."""
    rows = []
    for y in range(size):
        row = bytearray([0])  # filter type "none"
        for x in range(size):
            half = size / 2
            # shield: rectangle on top, narrowing to a point at the bottom
            width = half - 8 if y < size * 0.55 else (half - 8) * (size - y) / (size * 0.45)
            inside = abs(x - half) < width and 6 < y < size - 4
            border = inside and (abs(x - half) > width - 6 or y < 12)
            stripe = inside and abs(y - size * 0.4) < 6
            if border or stripe:
                row += bytes((0, 76, 147, 255))
            elif inside:
                row += bytes((255, 255, 255, 255))
            else:
                row += bytes((0, 0, 0, 0))
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def setup_styles(doc: DocType) -> None:
    styles = doc.styles
    # Document language and font for every run: the PDF says /Lang de-DE only with this.
    rpr_default = (
        styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    )
    for tag in ("w:lang", "w:rFonts"):
        old = rpr_default.find(qn(tag))
        if old is not None:
            rpr_default.remove(old)
    fonts = OxmlElement("w:rFonts")
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    rpr_default.insert(0, fonts)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "de-DE")
    lang.set(qn("w:eastAsia"), "de-DE")
    lang.set(qn("w:bidi"), "ar-SA")
    rpr_default.append(lang)

    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    for name, size in (("Title", 14), ("Heading 1", 12), ("Heading 2", 11)):
        style = styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is not None:
            for attr in list(fonts.attrib):
                del fonts.attrib[attr]
            for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
                fonts.set(qn(attr), FONT)
        style.paragraph_format.space_before = Pt(12 if name != "Title" else 0)
        style.paragraph_format.space_after = Pt(6)
        # The Title style of the default template draws a border line; a letter needs none.
        ppr = style.element.get_or_add_pPr()
        border = ppr.find(qn("w:pBdr"))
        if border is not None:
            ppr.remove(border)
    small = styles.add_style("Kleingedruckt", 1)
    small.base_style = normal
    small.font.size = Pt(8)
    small.paragraph_format.space_after = Pt(0)
    compact = styles.add_style("Infoblock", 1)
    compact.base_style = normal
    compact.font.size = Pt(9)
    compact.paragraph_format.space_after = Pt(0)
    compact.paragraph_format.line_spacing = 1.0


def page_field(paragraph: Paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice update when laying out."""
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None), ("text", "1")):
        run = paragraph.add_run()
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {text} "
            run._r.append(el)
        elif kind == "text":
            run.text = text or ""
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
            run._r.append(el)
    end = paragraph.add_run()
    el = OxmlElement("w:fldChar")
    el.set(qn("w:fldCharType"), "end")
    end._r.append(el)


def fixed_widths(table: Table, widths: tuple[int, ...]) -> None:
    """Column widths in the grid too: LibreOffice ignores cell widths without them."""
    table.autofit = False
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(int(width / 635)))  # EMU → twentieths of a point
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def no_borders(table: Table) -> None:
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    table._tbl.tblPr.append(borders)


def layout_table(table: Table) -> None:
    """Marks a table as layout only so screen readers do not announce it as data."""
    look = OxmlElement("w:tblLook")
    look.set(qn("w:val"), "0000")
    look.set(qn("w:firstRow"), "0")
    look.set(qn("w:noHBand"), "1")
    look.set(qn("w:noVBand"), "1")
    table._tbl.tblPr.append(look)
