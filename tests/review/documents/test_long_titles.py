"""Real paper titles are long: documents never fail because of Word's 255-character properties,
and a failure shows the office a German sentence."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.base import ContentFile
from docx import Document as WordDocument

from review.documents import generation, rendering, services
from review.documents.context import sample_context
from review.models import Document, DocumentKind
from tests import factories

# 300 characters with quotes and an ampersand: each quote used to count five (&#34;).
LONG_TITLE = (
    'Antrag der Fraktion "Bündnis für Vielfalt" & der Gruppe "Neue Mitte" betreffend die '
    + "Ausweitung der kommunalen Sprachförderung in Kindertagesstätten, Grundschulen und "
    + "Familienzentren einschließlich der Qualifizierung von Sprachmittlerinnen und "
    + 'Sprachmittlern im Rahmen des Programms "Willkommen in Musterstadt" 2026–2028'
)


def _context_with_long_title() -> dict[str, Any]:
    context = sample_context()
    context["paper"]["name"] = LONG_TITLE
    context["document"]["title"] = f"Stellungnahme zur Vorlage V2345/24 – {LONG_TITLE}"
    return context


def test_the_long_title_is_over_the_limit() -> None:
    assert len(LONG_TITLE) > rendering.CORE_PROPERTY_LIMIT


@pytest.mark.parametrize("kind", list(rendering.BUNDLED_TEMPLATES), ids=str)
def test_every_document_renders_a_long_title_with_properties_cut_at_a_word(kind: str) -> None:
    data = rendering.RENDERERS[DocumentKind(kind)](_context_with_long_title())
    doc = WordDocument(io.BytesIO(data))
    props = doc.core_properties
    for value in (props.title, props.subject):
        assert len(value) <= rendering.CORE_PROPERTY_LIMIT
        assert "&#34;" not in value and "&amp;" not in value
    assert props.subject.startswith('Antrag der Fraktion "Bündnis für Vielfalt" & der Gruppe')
    assert props.subject.endswith("…") and not props.subject.endswith(" …")
    # The letter itself keeps the whole title.
    body = "\n".join(p.text for p in doc.paragraphs)
    body += "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert LONG_TITLE in body


def test_a_short_property_is_kept_as_it_is() -> None:
    assert rendering.core_property("Vorlage &#34;Kita&#34; &amp; Schule") == (
        'Vorlage "Kita" & Schule'
    )


@pytest.mark.django_db
def test_a_paper_with_a_long_title_gets_its_documents(
    without_libreoffice: None, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    review = factories.make_review_with_statement()
    review.paper.name = LONG_TITLE
    review.paper.save()
    review.shared_with_beirat = True
    review.save()
    with django_capture_on_commit_callbacks():
        made = services.request_documents(review=review, by=factories.head())
    for document in made:
        with django_capture_on_commit_callbacks(execute=True):
            generation.produce_document(document_id=document.pk)
        document.refresh_from_db()
        assert document.status == Document.Status.READY, document.error


@pytest.mark.django_db
def test_a_template_mistake_is_reported_in_german(
    without_libreoffice: None, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    review = factories.make_review_with_statement()
    with django_capture_on_commit_callbacks():
        [document] = services.request_documents(review=review, by=factories.head())
    broken = WordDocument(str(rendering.BUNDLED_DIR / "committee_statement.docx"))
    broken.add_paragraph("{{ paper.gibtsnicht }}")
    buffer = io.BytesIO()
    broken.save(buffer)
    document.template.file.save("falsch.docx", ContentFile(buffer.getvalue()), save=True)
    with django_capture_on_commit_callbacks(execute=True):
        generation.produce_document(document_id=document.pk)
    document.refresh_from_db()
    assert document.status == Document.Status.FAILED
    assert document.error == (
        "Die Word-Datei konnte nicht erstellt werden: "
        "Die Vorlage verwendet eine unbekannte Variable."
    )
    assert "undefined" not in document.error


@pytest.mark.django_db
def test_an_unexpected_error_names_no_english_text(
    without_libreoffice: None,
    django_capture_on_commit_callbacks: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    review = factories.make_review_with_statement()
    with django_capture_on_commit_callbacks():
        [document] = services.request_documents(review=review, by=factories.head())

    def broken(context: Any, *, template: bytes | None = None) -> bytes:
        raise ValueError("exceeded 255 char limit for property")

    monkeypatch.setitem(generation.RENDERERS, DocumentKind(document.kind), broken)
    with django_capture_on_commit_callbacks(execute=True):
        generation.produce_document(document_id=document.pk)
    document.refresh_from_db()
    assert "exceeded" not in document.error
    assert document.error.endswith(
        "Unerwarteter Fehler (ValueError); bitte die IT-Administration informieren."
    )


def test_manual_intake_refuses_titles_beyond_any_real_paper_in_german() -> None:
    from django.utils import translation

    from workflows.forms import ManualReviewForm

    with translation.override("de"):
        form = ManualReviewForm(
            data={"name": "x" * 501, "reference": "V" * 51, "paper_type": "Beschlussvorlage"}
        )
        assert not form.is_valid()
        assert "höchstens 500 Zeichen" in form.errors["name"][0]
        assert "höchstens 50 Zeichen" in form.errors["reference"][0]
    assert ManualReviewForm(data={"name": LONG_TITLE}).errors.get("name") is None
