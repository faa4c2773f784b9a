"""Checks a Word template before the office may use it: parse, known variables, dry render.

A rejection names the problem in the uploader's language and quotes the Word text around it,
because the person uploading sees Word, not XML. One path for every kind of template: the
statements' and the situation report's (review/reports/templates.py passes its own
placeholders and trial render).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _
from jinja2 import TemplateError, TemplateSyntaxError, UndefinedError, meta
from jinja2.exceptions import SecurityError

from .context import CONTEXT_VARIABLES, Context, sample_context
from .limits import ResourceLimitExceeded
from .rendering import DocumentRenderError, OfficeDocxTemplate, make_environment, render

NOT_A_DOCX = _("The file is not a Word document in .docx format.")
SYNTAX_ERROR = _("The template has a mistake in a placeholder: {detail}.")
UNKNOWN_VARIABLES = _("The template uses unknown placeholders: {names}. Allowed are: {allowed}.")
UNKNOWN_ATTRIBUTE = _("The placeholder “{name}” has no field “{attribute}”.")
UNSAFE = _(
    "The template tries to reach internal Python objects ({detail}). "
    "Such placeholders are not allowed, for security."
)
RENDER_FAILED = _("The trial print with sample data failed: {detail}.")
UNEXPECTED = _("a placeholder or command cannot be run ({name})")
TOO_BIG_UNPACKED = _(
    "The template is too big unpacked ({size} MB; {limit} MB are allowed). "
    "Please make embedded pictures smaller."
)
TOO_MANY_PARTS = _("The template has too many parts ({count}; {limit} are allowed).")
SUSPICIOUS_RATIO = _(
    "The part “{name}” of the template is packed unusually tightly (1:{ratio}); "
    "such files (“zip bombs”) are not accepted."
)
MISSING_VARIABLES = _(
    "The template lacks the placeholder {names}; without it the document would stay empty. "
    "The bundled template shows how to use it."
)
# Checked from the archive's directory before anything is unpacked. Word's own files unpack to a
# few MB and pack XML about 1:10; a zip bomb packs 1:1000 and more.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_PARTS = 1000
MAX_RATIO = 100
RATIO_FROM_BYTES = 1024 * 1024  # small parts may pack well (runs of spaces)
WORD_TEXT = _("Word text at this place: “{text}”")

_PROBE = re.compile(r"\{[\{%][^}]*__\w+__")
_TAGS = re.compile(r"<[^>]+>")
_ATTRIBUTE_MESSAGE = re.compile(r"'(?:\w+ object|[^']+)' has no attribute '([^']+)'")


@dataclass
class CheckResult:
    errors: list[str] = field(default_factory=list)
    variables: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_report(self) -> dict[str, Any]:
        return {"ok": self.ok, "errors": self.errors, "variables": self.variables}


def _word_text(lines: Any) -> str:
    text = " ".join(line.strip() for line in lines if line and line.strip())
    text = re.sub(r"\s+", " ", text).strip()
    return text[:300]


def _with_context(message: str, lines: Any) -> str:
    text = _word_text(lines or [])
    return f"{message} {WORD_TEXT.format(text=text)}" if text else message


def _sources(tpl: OfficeDocxTemplate) -> list[str]:
    """Body, headers, footers and core properties as docxtpl hands them to Jinja."""
    document = tpl.docx
    parts = [tpl.patch_xml(tpl.xml_to_string(document._element.body))]
    for rel in document.part.rels.values():
        if rel.reltype in (tpl.HEADER_URI, tpl.FOOTER_URI):
            parts.append(tpl.patch_xml(rel.target_part.blob.decode("utf-8")))
    props = document.core_properties
    parts += [props.title or "", props.subject or "", props.author or ""]
    return [re.sub(r"<w:p([ >])", r"\n<w:p\1", xml) for xml in parts]


def _syntax_context(source: str, lineno: int | None) -> list[str]:
    if not lineno:
        return []
    lines = source.splitlines()
    start = max(lineno - 3, 0)
    return [_TAGS.sub("", line) for line in lines[start : lineno + 2]]


# Jinja's messages in the office's words; the quoted Word text tells the office where to look.
_SYNTAX_HINTS = {
    "expected token 'end of print statement'": _("a placeholder is not closed with “}}”"),
    "expected token 'end of statement block'": _("a command is not closed with “%}”"),
    "Unexpected end of template": _(
        "an {% if %} or {% for %} is not closed with {% endif %} or {% endfor %}"
    ),
    "unexpected '}'": _("one curly brace too many or too few"),
    "unexpected '{'": _("one curly brace too many or too few"),
    "unexpected ')'": _("one round bracket too many or too few"),
    "unexpected char": _("a character that is not allowed in placeholders"),
    "unexpected end of print statement": _("an empty placeholder “{{ }}”"),
    "No filter named": _(
        "unknown filter (allowed: datum, datum_lang, name and the Jinja standard filters)"
    ),
    "Encountered unknown tag": _("unknown command in {% … %}"),
    "tag name expected": _("a command “{% %}” without a name"),
    "expected token": _("a placeholder or command is incomplete"),
    "unexpected": _("a placeholder or command is misspelt"),
}
SYNTAX_UNKNOWN = _("a placeholder or command is misspelt")


def _german(detail: str) -> str:
    """Jinja's message in the office's words (German or English), without Jinja's own text
    (first matching hint wins)."""
    for english, german in _SYNTAX_HINTS.items():
        if english.lower() in detail.lower():
            return str(german)
    return str(SYNTAX_UNKNOWN)


def _locate(sources: list[str], needle: str) -> list[str]:
    """The Word text around the first tag that mentions `needle`."""
    for source in sources:
        lines = source.splitlines()
        for index, line in enumerate(lines):
            plain = _TAGS.sub("", line)
            if needle in plain and "{" in plain:
                return [_TAGS.sub("", x) for x in lines[max(index - 1, 0) : index + 2]]
    return []


def _explain(exc: TemplateError, sources: list[str]) -> str:
    lines = getattr(exc, "docx_context", None)
    lines = list(lines) if lines is not None else []
    if isinstance(exc, SecurityError):
        return _with_context(UNSAFE.format(detail=exc.message or ""), lines)
    if isinstance(exc, UndefinedError):
        match = _ATTRIBUTE_MESSAGE.search(exc.message or "")
        if match:
            attribute = match.group(1)
            found = lines or _locate(sources, f".{attribute}")
            owner = re.search(rf"(\w+(?:\.\w+)*)\.{re.escape(attribute)}", " ".join(found))
            name = owner.group(1) if owner else "…"
            return _with_context(UNKNOWN_ATTRIBUTE.format(name=name, attribute=attribute), found)
        return _with_context(RENDER_FAILED.format(detail=exc.message), lines)
    if isinstance(exc, TemplateSyntaxError):
        return _with_context(SYNTAX_ERROR.format(detail=_german(exc.message or "")), lines)
    return _with_context(RENDER_FAILED.format(detail=exc.message or exc), lines)


def archive_problem(archive: zipfile.ZipFile) -> str | None:
    """Sizes and packing ratios from the directory; Python unpacks no more than it declares."""
    infos = archive.infolist()
    if len(infos) > MAX_PARTS:
        return TOO_MANY_PARTS.format(count=len(infos), limit=MAX_PARTS)
    total = sum(info.file_size for info in infos)
    if total > MAX_UNPACKED_BYTES:
        return TOO_BIG_UNPACKED.format(
            size=total // (1024 * 1024), limit=MAX_UNPACKED_BYTES // (1024 * 1024)
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FROM_BYTES and ratio > MAX_RATIO:
            return SUSPICIOUS_RATIO.format(name=info.filename, ratio=int(ratio))
    return None


def check_template(
    data: bytes,
    contexts: list[Context] | None = None,
    *,
    variables: Mapping[str, object] = CONTEXT_VARIABLES,
    required: Collection[str] = (),
    trial: Callable[[bytes], object] | None = None,
) -> CheckResult:
    """Every template kind's check: the archive, the sandbox's rules, the placeholders it may
    (`variables`) and must (`required`) use, and a trial render (default: the statements' sample
    contexts; `trial` renders another kind and raises what a render raises)."""
    result = CheckResult()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception:
        result.errors.append(str(NOT_A_DOCX))
        return result
    problem = archive_problem(archive)
    if problem:
        result.errors.append(problem)
        return result
    try:
        archive.testzip()
        tpl = OfficeDocxTemplate(io.BytesIO(data))
        tpl.init_docx()
        sources = _sources(tpl)
    except Exception:  # python-docx raises several unrelated types for a non-Word file
        result.errors.append(str(NOT_A_DOCX))
        return result

    env = make_environment()
    used: set[str] = set()
    for source in sources:
        probe = _PROBE.search(_TAGS.sub("", source))
        if probe:
            result.errors.append(
                _with_context(
                    UNSAFE.format(detail=f"„{probe.group(0)}“"),
                    _locate(sources, probe.group(0)),
                )
            )
            return result
        try:
            used |= meta.find_undeclared_variables(env.parse(source))
        except TemplateSyntaxError as exc:
            result.errors.append(
                _with_context(
                    SYNTAX_ERROR.format(detail=_german(exc.message or "")),
                    _syntax_context(source, exc.lineno),
                )
            )
            return result
        except Exception as exc:  # e.g. RecursionError for absurdly nested tags
            result.errors.append(
                SYNTAX_ERROR.format(detail=UNEXPECTED.format(name=type(exc).__name__))
            )
            return result
    result.variables = sorted(used)
    unknown = sorted(used - variables.keys())
    if unknown:
        result.errors.append(
            UNKNOWN_VARIABLES.format(
                names=", ".join(f"„{name}“" for name in unknown),
                allowed=", ".join(variables),
            )
        )
        return result
    missing = [name for name in required if name not in used]
    if missing:
        result.errors.append(MISSING_VARIABLES.format(names=", ".join(f"„{n}“" for n in missing)))
        return result

    def statements(data: bytes) -> None:
        for context in contexts or sample_contexts():
            render(data, context)

    try:
        (trial or statements)(data)
    except TemplateError as exc:
        result.errors.append(_explain(exc, sources))
    except (DocumentRenderError, ResourceLimitExceeded) as exc:
        result.errors.append(str(exc))
    except Exception as exc:  # whatever a template can provoke: a message, never a 500
        result.errors.append(
            RENDER_FAILED.format(detail=UNEXPECTED.format(name=type(exc).__name__))
        )
    return result


def sample_contexts() -> list[Context]:
    """The full sample and a sparse one, so both branches of every {%p if %} are rendered."""
    full = sample_context()
    sparse = sample_context()
    sparse["beirat_vote"] = None
    sparse["statement"]["changes"] = []
    sparse["consultations"] = []
    sparse["attachments"] = []
    sparse["review"]["deadline"] = None
    return [full, sparse]
