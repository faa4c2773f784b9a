"""First pages of a document's PDF as PNG images (pdftoppm), cached in the storage."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from review.models import Document

PREVIEW_PAGES = 2
RESOLUTION = 80


def preview_available(document: Document) -> bool:
    return bool(document.pdf) and shutil.which("pdftoppm") is not None


def _name(document: Document, page: int) -> str:
    digest = document.pdf_sha256[:12]
    return f"dokumente/{document.review_id}/vorschau/{document.pk}_{digest}_{page}.png"


def preview_page_count(document: Document) -> int:
    """How many preview images there are (rendering them once if needed)."""
    pages = [p for p in range(1, PREVIEW_PAGES + 1) if default_storage.exists(_name(document, p))]
    if pages:
        return len(pages)
    return len(_render(document))


def _render(document: Document) -> list[str]:
    names: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "document.pdf"
        with document.pdf.open("rb") as handle:
            source.write_bytes(handle.read())
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                str(RESOLUTION),
                "-f",
                "1",
                "-l",
                str(PREVIEW_PAGES),
                str(source),
                str(Path(tmp) / "page"),
            ],
            check=True,
            timeout=60,
            capture_output=True,
        )
        for index, image in enumerate(sorted(Path(tmp).glob("page-*.png")), start=1):
            name = _name(document, index)
            if not default_storage.exists(name):
                default_storage.save(name, ContentFile(image.read_bytes()))
            names.append(name)
    return names


def preview_image(document: Document, page: int) -> bytes | None:
    if page < 1 or page > PREVIEW_PAGES or not preview_available(document):
        return None
    name = _name(document, page)
    if not default_storage.exists(name):
        _render(document)
    if not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as handle:
        return handle.read()
