"""A tiny one-page PDF for the demo papers' attachments, so their download links work offline.

Hand-built (reportlab is not a dependency): one Helvetica page with the paper's reference
and title. Deterministic, so writing it again gives the same bytes.
"""

from __future__ import annotations

import textwrap


def _pdf_text(text: str) -> bytes:
    # WinAnsiEncoding covers German umlauts and ß; characters beyond it become "?".
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def one_page_pdf(title: str, lines: list[str]) -> bytes:
    """A valid single-page A4 PDF showing `title` and the given lines."""
    body = [b"BT /F1 16 Tf 72 770 Td (" + _pdf_text(title) + b") Tj ET"]
    y = 740
    for line in lines:
        for part in textwrap.wrap(line, 85) or [""]:
            body.append(b"BT /F1 11 Tf 72 %d Td (" % y + _pdf_text(part) + b") Tj ET")
            y -= 16
    stream = b"\n".join(body)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
