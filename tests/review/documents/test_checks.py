"""Uploaded templates are checked; rejections are German (English in English mode) and quote the
Word text."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.utils import translation
from docx import Document as WordDocument

from review.documents import checks
from review.documents.rendering import BUNDLED_DIR


def _template_with(text: str, name: str = "committee_statement.docx") -> bytes:
    doc = WordDocument(str(Path(BUNDLED_DIR) / name))
    doc.add_paragraph("Text vor dem Fehler.")
    doc.add_paragraph(text)
    doc.add_paragraph("Text nach dem Fehler.")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("path", sorted(Path(BUNDLED_DIR).glob("*.docx")), ids=lambda p: p.name)
def test_bundled_templates_pass_the_upload_check(path: Path) -> None:
    result = checks.check_template(path.read_bytes())
    assert result.ok, result.errors
    assert {"office", "paper", "signatory"} <= set(result.variables)


def test_a_syntax_error_is_rejected_with_the_word_text_around_it() -> None:
    result = checks.check_template(_template_with("Vorlage {{ paper.reference "))
    [error] = result.errors
    assert error.startswith("Die Vorlage enthält einen Fehler in einem Platzhalter")
    assert "nicht mit „}}“ geschlossen" in error
    assert "Word-Text an dieser Stelle: „" in error
    assert "Vorlage {{ paper.reference" in error


def test_an_english_uploader_reads_the_rejection_in_english_with_the_word_text_as_it_is() -> None:
    with translation.override("en"):
        result = checks.check_template(_template_with("Vorlage {{ paper.reference "))
        not_word = checks.check_template(b"%PDF-1.7 nicht Word")
    [error] = result.errors
    assert error.startswith("The template has a mistake in a placeholder: a placeholder is not")
    assert "Word text at this place: “" in error and "Vorlage {{ paper.reference" in error
    assert "Platzhalter" not in error
    assert not_word.errors == ["The file is not a Word document in .docx format."]


def test_an_unclosed_block_is_rejected() -> None:
    result = checks.check_template(_template_with("{% if paper.reference %}offen"))
    assert "wird nicht mit {% endif %}" in result.errors[0]


def test_an_unknown_variable_is_rejected_and_the_allowed_ones_are_named() -> None:
    result = checks.check_template(_template_with("Gehalt: {{ gehalt }}"))
    assert result.errors == [
        checks.UNKNOWN_VARIABLES.format(
            names="„gehalt“",
            allowed="office, document, paper, consultations, addressee, review, statement, "
            "beirat_vote, officer, signatory, attachments, distribution, not_affected",
        )
    ]


def test_a_misspelt_field_is_rejected_by_the_dry_render() -> None:
    result = checks.check_template(_template_with("Nr. {{ paper.refrence }}"))
    [error] = result.errors
    assert error.startswith("Der Platzhalter „paper“ kennt das Feld „refrence“ nicht.")
    assert "Text vor dem Fehler. Nr. {{ paper.refrence }} Text nach dem Fehler." in error


@pytest.mark.parametrize(
    "probe",
    [
        "{{ ''.__class__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__ }}",
    ],
)
def test_a_sandbox_probe_is_rejected(probe: str) -> None:
    result = checks.check_template(_template_with(probe))
    [error] = result.errors
    assert error.startswith("Die Vorlage versucht, auf interne Python-Objekte zuzugreifen")
    assert "aus Sicherheitsgründen nicht erlaubt" in error


def test_a_probe_hidden_from_the_pattern_is_stopped_by_the_sandbox() -> None:
    result = checks.check_template(_template_with("{{ paper|attr('_' ~ '_class_' ~ '_') }}"))
    [error] = result.errors
    assert "interne Python-Objekte" in error


def test_a_file_that_is_not_word_is_rejected() -> None:
    assert checks.check_template(b"%PDF-1.7 nicht Word").errors == [checks.NOT_A_DOCX]


def test_german_word_quotes_inside_tags_are_accepted() -> None:
    result = checks.check_template(
        _template_with("{% if paper.paper_type == „Beschlussvorlage“ %}B{% endif %}")
    )
    assert result.ok, result.errors


def test_a_stray_brace_is_explained_in_german_without_jinja_english() -> None:
    result = checks.check_template(_template_with("Vorlage {{ paper.reference } }}"))
    [error] = result.errors
    assert "geschweifte Klammer zu viel oder zu wenig" in error
    assert "unexpected" not in error
    assert "Vorlage {{ paper.reference } }}" in error
