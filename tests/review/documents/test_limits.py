"""Hostile templates: zip bombs, huge values, endless loops. Each is refused with a German
message, in time, without taking the process down."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from docx import Document as WordDocument

from review.documents import checks, limits, rendering
from review.documents.context import sample_context
from review.documents.rendering import BUNDLED_DIR
from review.models import DocumentTemplate
from tests import factories

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NESTED_LOOPS = "{% for a in range(10000) %}{% for b in range(10000) %}{% endfor %}{% endfor %}"


def _template_with(text: str) -> bytes:
    doc = WordDocument(str(Path(BUNDLED_DIR) / "committee_statement.docx"))
    doc.add_paragraph(text)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _with_extra_part(name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(_template_with("Hallo"))) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        target.writestr(name, content)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_from_the_directory_before_unpacking() -> None:
    bomb = _with_extra_part("word/media/bombe.bin", b"\0" * (8 * 1024 * 1024))
    assert len(bomb) < 200_000  # 8 MB of zeros pack to a few kilobytes
    [error] = checks.check_template(bomb).errors
    assert "ungewöhnlich stark gepackt" in error and "word/media/bombe.bin" in error


def test_a_template_too_large_when_unpacked_is_refused(monkeypatch) -> None:
    monkeypatch.setattr(checks, "MAX_UNPACKED_BYTES", 1024 * 1024)
    large = _with_extra_part("word/media/bombe.bin", bytes(range(256)) * 8192)
    [error] = checks.check_template(large).errors
    assert error.startswith("Die Vorlage ist entpackt zu groß (2 MB; erlaubt sind 1 MB).")


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("{% set s = 'x' * 200000000 %}{{ s }}", "Text wird vervielfacht"),
        ("{{ 'x' * 200000000 }}", "Text wird vervielfacht"),
        ("{% for i in range(10**9) %}{{ i }}{% endfor %}", "range mit mehr als 10000 Zahlen"),
        ("{{ 10 ** 100000 }}", "Potenz"),
        ("{{ (10 ** 200) ** 200 }}", "Potenz"),
    ],
)
def test_huge_values_are_refused_by_the_sandbox(text: str, detail: str) -> None:
    started = time.monotonic()
    [error] = checks.check_template(_template_with(text)).errors
    assert time.monotonic() - started < 10
    assert error.startswith("Probedruck mit Beispieldaten fehlgeschlagen: ")
    assert f"Die Vorlage erzeugt einen zu großen Wert ({detail})" in error


def test_a_template_that_needs_too_much_memory_is_stopped(settings) -> None:
    settings.DOCUMENT_RENDER_MEMORY_MB = 64
    [error] = checks.check_template(_template_with("{{ 'x'|center(300000000) }}")).errors
    assert error == limits.OUT_OF_MEMORY.format(mb=64)


def test_a_template_that_runs_too_long_is_stopped(settings) -> None:
    settings.DOCUMENT_RENDER_SECONDS = 2
    started = time.monotonic()
    [error] = checks.check_template(_template_with(NESTED_LOOPS)).errors
    assert time.monotonic() - started < 15
    assert error == limits.OUT_OF_TIME.format(seconds=2)


def test_a_loop_that_runs_only_on_real_data_fails_that_document_not_the_worker(settings) -> None:
    settings.DOCUMENT_RENDER_SECONDS = 2
    trap = _template_with(f"{{% if paper.reference == 'V-FALLE' %}}{NESTED_LOOPS}{{% endif %}}")
    assert checks.check_template(trap).ok  # the sample data never enters the loop
    context = sample_context()
    context["paper"]["reference"] = "V-FALLE"
    with pytest.raises(limits.ResourceLimitExceeded) as stopped:
        rendering.render(trap, context)
    assert str(stopped.value) == limits.OUT_OF_TIME.format(seconds=2)
    # This process is unharmed and renders the next document.
    context["paper"]["reference"] = "V-1/26"
    assert rendering.render(trap, context).startswith(b"PK")


def test_ordinary_documents_render_the_same_in_the_child_process(settings) -> None:
    template = (Path(BUNDLED_DIR) / "committee_statement.docx").read_bytes()
    settings.DOCUMENT_RENDER_LIMITS = True
    limited = rendering.render(template, sample_context())
    document = WordDocument(io.BytesIO(limited))
    text = "\n".join(p.text for p in document.paragraphs)
    assert sample_context()["paper"]["reference"] in text


@pytest.mark.django_db
def test_the_upload_page_answers_a_huge_range_with_a_message_not_a_500(client: Client) -> None:
    client.force_login(factories.administrator())
    data = _template_with("{% for i in range(10**9) %}{{ i }}{% endfor %}")
    response = client.post(
        reverse("documents:templates"),
        {"kind": "committee", "file": SimpleUploadedFile("v.docx", data, content_type=DOCX)},
    )
    assert response.status_code == 422
    assert "Die Vorlage erzeugt einen zu großen Wert" in response.content.decode()
    assert not DocumentTemplate.objects.filter(version=2).exists()
