"""Word documents from the office's templates: one entry function per document type.

docxtpl renders the Jinja tags the officers wrote into Word. Every pitfall in
shared docs/documents.md is handled here: autoescape (else `&` and `<` eat the next paragraph),
StrictUndefined (else a typo renders as nothing), the sandbox (templates are uploaded by users),
German AutoCorrect quotes inside tags, and post-processing before a document leaves the office.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from docx.document import Document as WordDocument
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined
from jinja2.exceptions import TemplateRuntimeError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from review.models import DocumentKind

from .context import Context
from .limits import run_limited

BUNDLED_DIR = Path(settings.BASE_DIR) / "docx_templates"
BUNDLED_TEMPLATES = {
    DocumentKind.COMMITTEE: "committee_statement.docx",
    DocumentKind.BEIRAT: "beirat_statement.docx",
    DocumentKind.NOT_AFFECTED: "not_affected_note.docx",
}

# Word's limit for a core property (title, subject, …), in characters.
CORE_PROPERTY_LIMIT = 255

MALFORMED_PART = "Das erzeugte Dokument ist fehlerhaft (Teil {part}: {error})."

# Word's AutoCorrect turns "…" into „…“ and '…' into ‚…‘; Jinja only understands ASCII quotes.
_QUOTES = str.maketrans(
    {"„": '"', "“": '"', "”": '"', "»": '"', "«": '"', "‚": "'", "‘": "'", "’": "'"}
)
_TAG_CONTENT = re.compile(r"(?<=\{[\{%])(.*?)(?=[\}%]\})", re.DOTALL)
_MONTHS = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)
_COMMENT_TAGS = ("w:commentRangeStart", "w:commentRangeEnd")
_R_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_COMMENT_RELTYPE_SUFFIXES = ("/comments", "/commentsExtended", "/commentsIds", "/people")


class DocumentRenderError(Exception):
    pass


def normalise_quotes_in_tags(xml: str) -> str:
    """Replaces typographic quotes with ASCII quotes inside {{ … }} and {% … %} only."""
    return _TAG_CONTENT.sub(lambda m: m.group(0).translate(_QUOTES), xml)


def core_property(value: str) -> str:
    """Plain text that fits Word's core properties (at most 255 characters, else python-docx
    refuses the whole document): long paper titles are cut at a word and end with "…"."""
    text = " ".join(html.unescape(value).split())
    if len(text) <= CORE_PROPERTY_LIMIT:
        return text
    cut = text[: CORE_PROPERTY_LIMIT - 1]
    if " " in cut[CORE_PROPERTY_LIMIT // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:–-") + "…"


class OfficeDocxTemplate(DocxTemplate):
    """docxtpl with German quote normalisation applied wherever it prepares tags for Jinja."""

    def patch_xml(self, src_xml: str) -> str:
        return normalise_quotes_in_tags(super().patch_xml(src_xml))

    def render_properties(
        self, context: dict[str, Any], jinja_env: Environment | None = None
    ) -> None:
        # As docxtpl does, but the properties are plain text: unescaped (autoescape made every
        # quote five characters long) and cut to Word's limit instead of failing the document.
        env = jinja_env or make_environment()
        props = self.docx.core_properties
        for name in ("author", "comments", "identifier", "language", "subject", "title"):
            rendered = env.from_string(getattr(props, name) or "").render(context)
            setattr(props, name, core_property(rendered))


def _as_date(value: date | datetime | None) -> date | None:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def german_date(value: date | datetime | None) -> str:
    day = _as_date(value)
    return day.strftime("%d.%m.%Y") if day else ""


def german_long_date(value: date | datetime | None) -> str:
    day = _as_date(value)
    return f"{day.day}. {_MONTHS[day.month - 1]} {day.year}" if day else ""


def person_name(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("name", ""))
    return str(value or "")


# Bounds of the sandbox's arithmetic: no template needs more, and beyond them a few characters
# ask for gigabytes ('x' * 10**9) or minutes (9 ** 9 ** 9).
MAX_SEQUENCE_LENGTH = 100_000
MAX_RANGE = 10_000
MAX_EXPONENT = 256
MAX_POWER_BITS = 4096  # about 1,200 digits
TOO_LARGE = "Die Vorlage erzeugt einen zu großen Wert ({detail})."


class TemplateLimitError(TemplateRuntimeError):
    """A template asked for more than the sandbox's bounds allow."""


def _length(value: Any) -> int | None:
    return len(value) if isinstance(value, str | bytes | list | tuple) else None


def _bounded_range(*args: int) -> range:
    values = range(*args)
    if len(values) > MAX_RANGE:
        raise TemplateLimitError(TOO_LARGE.format(detail=f"range mit mehr als {MAX_RANGE} Zahlen"))
    return values


class OfficeSandbox(SandboxedEnvironment):
    """Jinja's sandbox with bounded multiplication, powers, concatenation and ranges."""

    intercepted_binops = frozenset({"*", "**", "+"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for sequence, times in ((left, right), (right, left)):
                length = _length(sequence)
                if (
                    length is not None
                    and isinstance(times, int)
                    and length * times > MAX_SEQUENCE_LENGTH
                ):
                    raise TemplateLimitError(TOO_LARGE.format(detail="Text wird vervielfacht"))
        elif operator == "**" and isinstance(right, int | float):
            bits = left.bit_length() * abs(right) if isinstance(left, int) else 0
            if abs(right) > MAX_EXPONENT or bits > MAX_POWER_BITS:
                raise TemplateLimitError(TOO_LARGE.format(detail="Potenz"))
        elif operator == "+":
            lengths = (_length(left), _length(right))
            if None not in lengths and sum(lengths) > MAX_SEQUENCE_LENGTH:  # type: ignore[arg-type]
                raise TemplateLimitError(TOO_LARGE.format(detail="zu langer Text"))
        return super().call_binop(context, operator, left, right)


def make_environment() -> SandboxedEnvironment:
    env = OfficeSandbox(autoescape=True, undefined=StrictUndefined)
    env.filters.update(datum=german_date, datum_lang=german_long_date, name=person_name)
    env.globals["range"] = _bounded_range
    return env


def _part_element(part: Any) -> Any:
    """The XML tree of a part python-docx parsed (body, header, footer), else None."""
    element = getattr(part, "element", None)
    if element is None:
        element = getattr(part, "_element", None)
    return element if element is not None and hasattr(element, "iter") else None


def _strip_comments_and_revisions(document: WordDocument) -> None:
    parts = [document.part]
    parts += [rel.target_part for rel in document.part.rels.values() if not rel.is_external]
    for part in parts:
        element = _part_element(part)
        if element is None:
            continue
        for tag in _COMMENT_TAGS:
            for el in list(element.iter(qn(tag))):
                el.getparent().remove(el)
        for ref in list(element.iter(qn("w:commentReference"))):
            run = ref.getparent()
            run.getparent().remove(run)
        # Tracked changes: accept insertions, drop deletions and recorded formatting changes.
        for deleted in list(element.iter(qn("w:del"))):
            deleted.getparent().remove(deleted)
        for inserted in list(element.iter(qn("w:ins"))):
            parent = inserted.getparent()
            index = parent.index(inserted)
            for child in list(inserted):
                parent.insert(index, child)
                index += 1
            parent.remove(inserted)
        for tag in ("w:rPrChange", "w:pPrChange", "w:sectPrChange", "w:tblPrChange"):
            for el in list(element.iter(qn(tag))):
                el.getparent().remove(el)
    for rel_id, rel in list(document.part.rels.items()):
        if rel.reltype.endswith(_COMMENT_RELTYPE_SUFFIXES):
            document.part.drop_rel(rel_id)


def _set_alt_texts(document: WordDocument, fallback: str) -> None:
    parts = [document.part] + [
        rel.target_part for rel in document.part.rels.values() if not rel.is_external
    ]
    for part in parts:
        element = _part_element(part)
        if element is None:
            continue
        for doc_pr in element.iter(qn("wp:docPr")):
            if not (doc_pr.get("descr") or "").strip():
                doc_pr.set("descr", fallback)


def _clean_properties(document: WordDocument, context: Context) -> None:
    props = document.core_properties
    office = context.get("office", {})
    # Rendered and cut to size in OfficeDocxTemplate.render_properties.
    props.title = props.title or core_property(context.get("document", {}).get("title", ""))
    # Personal metadata must not leave the office (BSI APP.1.1.A9): no person, only the office.
    props.author = f"Stadt {office.get('city', '')} – {office.get('name', '')}".strip(" –")
    props.last_modified_by = ""
    props.comments = ""
    props.category = ""
    props.revision = 1
    props.language = "de-DE"
    now = datetime.now().replace(microsecond=0)
    props.created = now
    props.modified = now
    printed = props._element.find(qn("cp:lastPrinted"))
    if printed is not None:
        props._element.remove(printed)


def _scrub_app_properties(document: WordDocument) -> None:
    """Removes Company/Manager from docProps/app.xml (python-docx keeps it as a raw part) and
    names Stellwerk as the application (not the program the template was once saved with)."""
    for part in document.part.package.iter_parts():
        if part.partname == "/docProps/app.xml":
            blob = re.sub(rb"<(Company|Manager)>[^<]*</\1>", b"", part.blob)
            part._blob = re.sub(
                rb"<Application>[^<]*</Application>", b"<Application>Stellwerk</Application>", blob
            )


def _strip_external_relationships(document: WordDocument) -> None:
    """A template may point outside the file: linked images, hyperlinks, an attached template
    on a file server. An outgoing statement must neither fetch nor reveal them, so every
    external relationship goes, and what referred to it: a link keeps its text, a linked image
    loses the link, other references (the attached template) are removed."""
    for part in document.part.package.iter_parts():
        rels = getattr(part, "rels", None)
        if not rels:
            continue
        external = {r_id for r_id, rel in rels.items() if rel.is_external}
        if not external:
            continue
        element = _part_element(part)
        if element is not None:
            _drop_references(element, external)
        for r_id in external:
            rels.pop(r_id)


def _drop_references(element: Any, r_ids: set[str]) -> None:
    for el in list(element.iter()):
        attributes = [k for k, v in el.attrib.items() if k.startswith(_R_NS) and v in r_ids]
        if not attributes:
            continue
        parent = el.getparent()
        if el.tag == qn("w:hyperlink"):
            index = parent.index(el)
            for child in list(el):
                parent.insert(index, child)
                index += 1
            parent.remove(el)
        elif el.tag == qn("a:blip"):
            for key in attributes:
                del el.attrib[key]
        elif parent is not None:
            parent.remove(el)


# Parts already parsed successfully, by (name, CRC-32, size): a part copied unchanged from the
# template (styles, theme, numbering) is then not parsed again for every document.
_WELL_FORMED: set[tuple[str, int, int]] = set()
_WELL_FORMED_LIMIT = 5000


def check_well_formed(data: bytes) -> None:
    """Parses every XML part; a broken part is the silent failure mode of string templating."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            name = info.filename
            if not name.endswith((".xml", ".rels")):
                continue
            key = (name, info.CRC, info.file_size)
            if key in _WELL_FORMED:
                continue
            try:
                etree.fromstring(archive.read(name))
            except etree.XMLSyntaxError as exc:
                raise DocumentRenderError(MALFORMED_PART.format(part=name, error=exc)) from exc
            if len(_WELL_FORMED) > _WELL_FORMED_LIMIT:
                _WELL_FORMED.clear()
            _WELL_FORMED.add(key)


def render(template: bytes, context: Context) -> bytes:
    """Renders one template with one context; raises jinja2 errors for template mistakes and
    ResourceLimitExceeded when it needs more memory or time than a document may."""
    return run_limited(_render, template, context)


def _render(template: bytes, context: Context) -> bytes:
    tpl = OfficeDocxTemplate(io.BytesIO(template))
    tpl.render(context, jinja_env=make_environment(), autoescape=True)
    document: WordDocument = tpl.docx
    _strip_comments_and_revisions(document)
    _set_alt_texts(document, f"Logo der Stadt {context['office']['city']}")
    _clean_properties(document, context)
    _scrub_app_properties(document)
    _strip_external_relationships(document)
    buffer = io.BytesIO()
    tpl.save(buffer)
    data = buffer.getvalue()
    check_well_formed(data)
    return data


def bundled_template(kind: str) -> bytes:
    return (BUNDLED_DIR / BUNDLED_TEMPLATES[DocumentKind(kind)]).read_bytes()


def render_committee_statement(context: Context, *, template: bytes | None = None) -> bytes:
    return render(template or bundled_template(DocumentKind.COMMITTEE), context)


def render_beirat_statement(context: Context, *, template: bytes | None = None) -> bytes:
    return render(template or bundled_template(DocumentKind.BEIRAT), context)


def render_not_affected_note(context: Context, *, template: bytes | None = None) -> bytes:
    return render(template or bundled_template(DocumentKind.NOT_AFFECTED), context)


RENDERERS = {
    DocumentKind.COMMITTEE: render_committee_statement,
    DocumentKind.BEIRAT: render_beirat_statement,
    DocumentKind.NOT_AFFECTED: render_not_affected_note,
}
