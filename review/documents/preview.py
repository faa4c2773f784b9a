"""Previews: first pages of a stored document's PDF as PNG images (pdftoppm), cached in the
storage; and the statement as it would go out, before any document exists (the approval desk)."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import mammoth
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from review.models import Document, DocumentKind, Review, Role, StatementVersion, User

from .context import build_context
from .generation import failure_reason
from .rendering import RENDERERS
from .services import active_template

logger = logging.getLogger(__name__)

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


# The document's headings sit inside the page's own section (h2): Word's levels move down two.
HEADINGS_BELOW_THE_PAGE = """
p[style-name='Title'] => h3:fresh
p[style-name='Heading 1'] => h3:fresh
p[style-name='Heading 2'] => h4:fresh
p[style-name='Heading 3'] => h5:fresh
p[style-name='Heading 4'] => h6:fresh
"""
NO_STATEMENT = _("There is no saved statement yet, so there is nothing to preview.")
PREVIEW_FAILED = _(
    "The preview through the office's Word template could not be made (%(reason)s). "
    "The text of the statement is shown instead."
)


# Rendering costs most of the approval page (docs/performance.md); a day covers the approval
# rounds of one statement, and a changed statement has a new key anyway.
PREVIEW_CACHE_SECONDS = 24 * 3600


def _preview_key(context: dict[str, object], template_sha256: str) -> str:
    encoded = json.dumps(context, sort_keys=True, cls=DjangoJSONEncoder, ensure_ascii=False)
    digest = hashlib.sha256(f"{template_sha256}\n{encoded}".encode()).hexdigest()
    return f"statement-preview:{digest}"


@dataclass(frozen=True)
class StatementPreview:
    """The statement through the office's Word template as HTML, or why there is none."""

    html: SafeString | None
    problem: str = ""


def statement_preview(*, review: Review, signatory: User | None) -> StatementPreview:
    """The committee statement as it would go out now: the current version rendered through the
    active Word template, the .docx read back as HTML (mammoth: headings, lists, tables, bold)
    so it shows at once, without LibreOffice. Nothing is stored."""
    statement = getattr(review, "statement", None)
    version = statement.current_version if statement is not None else None
    if version is None:
        return StatementPreview(None, str(NO_STATEMENT))
    template = active_template(DocumentKind.COMMITTEE)
    try:
        # Documents go to German committees: their labels stay German in an English session.
        with translation.override(settings.LANGUAGE_CODE):
            context = build_context(
                review=review,
                kind=DocumentKind.COMMITTEE,
                version=version,
                number=review.documents.filter(kind=DocumentKind.COMMITTEE).count() + 1,
                on=timezone.localdate(),
                signatory=signatory,
            )
        # The key is everything the document is made of, so a cached preview is never stale:
        # any change to the text, the paper, the consultations or the template is a new key.
        key = _preview_key(context, template.sha256)
        html = cache.get(key)
        if html is None:
            with translation.override(settings.LANGUAGE_CODE), template.file.open("rb") as handle:
                data = RENDERERS[DocumentKind.COMMITTEE](context, template=handle.read())
            # mammoth escapes the document's text; the template's markup becomes plain tags.
            html = mammoth.convert_to_html(
                io.BytesIO(data), style_map=HEADINGS_BELOW_THE_PAGE
            ).value
            cache.set(key, html, PREVIEW_CACHE_SECONDS)
    except Exception as exc:  # a broken template must not block the approval
        logger.warning("statement preview of review %s failed: %r", review.pk, exc)
        return StatementPreview(None, str(PREVIEW_FAILED % {"reason": failure_reason(exc)}))
    return StatementPreview(mark_safe(html))


def warm_statement_previews(*, review_id: int) -> int:
    """Render the preview for everyone who may approve it, before they open it (the first view
    otherwise pays the rendering). Returns how many were made."""
    review = Review.objects.select_related("paper").get(pk=review_id)
    drafters = StatementVersion.objects.filter(statement__review=review).values("author")
    approvers = (
        User.objects.filter(is_active=True, groups__name=Role.HEAD.value)
        .exclude(pk__in=drafters)
        .distinct()
    )
    return sum(1 for person in approvers if statement_preview(review=review, signatory=person).html)
