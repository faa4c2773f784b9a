"""Template upload for administrators; downloads, preview and retry for the office."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from docx import Document as WordDocument

from review.documents import generation, services
from review.documents.rendering import BUNDLED_DIR
from review.models import Document, DocumentTemplate, User
from tests import factories

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _upload(client: Client, data: bytes, name: str = "vorlage.docx") -> Any:
    return client.post(
        reverse("documents:templates"),
        {"kind": "committee", "file": SimpleUploadedFile(name, data, content_type=DOCX)},
    )


def _template_with(text: str) -> bytes:
    doc = WordDocument(str(BUNDLED_DIR / "committee_statement.docx"))
    doc.add_paragraph(text)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _logged_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def document(
    without_libreoffice: None, django_capture_on_commit_callbacks: Callable[..., Any]
) -> Document:
    review = factories.make_review_with_statement()
    with django_capture_on_commit_callbacks():
        [document] = services.request_documents(review=review, by=factories.head())
    with django_capture_on_commit_callbacks(execute=True):
        generation.produce_document(document_id=document.pk)
    document.refresh_from_db()
    return document


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("administrator", 200),
        ("officer", 403),
        ("head", 403),
        ("clerk", 403),
        ("beirat_member", 302),
    ],
)
def test_only_administrators_manage_templates(client: Client, persona: str, status: int) -> None:
    # External people (Beirat) are sent to their second factor first (302), then refused.
    user = getattr(factories, persona)()
    assert _logged_in(client, user).get(reverse("documents:templates")).status_code == status


def test_the_template_page_lists_the_bundled_versions_and_the_placeholders(client: Client) -> None:
    response = _logged_in(client, factories.administrator()).get(reverse("documents:templates"))
    content = response.content.decode()
    assert "Stellungnahme an den Ausschuss" in content
    assert "mitgelieferte Vorlage" in content
    assert "paper.reference" in content
    assert DocumentTemplate.objects.count() == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{{ paper.reference ", "Die Vorlage enthält einen Fehler in einem Platzhalter"),
        ("{{ gehalt }}", "Die Vorlage verwendet unbekannte Platzhalter: „gehalt“"),
        ("{{ ''.__class__ }}", "Die Vorlage versucht, auf interne Python-Objekte zuzugreifen"),
    ],
)
def test_a_bad_template_is_rejected_with_a_german_message(
    client: Client, text: str, message: str
) -> None:
    response = _upload(_logged_in(client, factories.administrator()), _template_with(text))
    assert response.status_code == 422
    content = response.content.decode()
    assert "Die Vorlage wurde nicht übernommen." in content
    assert message in content
    assert "Word-Text an dieser Stelle" in content or "Erlaubt sind" in content
    assert not DocumentTemplate.objects.filter(version=2).exists()


def test_a_good_template_becomes_version_2(client: Client) -> None:
    data = (BUNDLED_DIR / "committee_statement.docx").read_bytes()
    response = _upload(_logged_in(client, factories.administrator()), data)
    assert response.status_code == 302
    active = DocumentTemplate.objects.active().get(kind="committee")
    assert active.version == 2 and active.uploaded_by is not None
    assert DocumentTemplate.objects.filter(kind="committee").count() == 2


def test_officers_download_the_word_file_under_its_readable_name(
    client: Client, document: Document
) -> None:
    response = _logged_in(client, factories.officer(username="o2")).get(
        reverse("documents:download", args=[document.pk, "docx"])
    )
    assert response.status_code == 200
    assert document.docx_filename in response["Content-Disposition"]
    assert b"".join(response.streaming_content)[:2] == b"PK"  # type: ignore[attr-defined]


def test_people_outside_the_office_cannot_download(client: Client, document: Document) -> None:
    for user in (factories.clerk(), factories.beirat_member(), factories.outsider()):
        client.force_login(user)
        url = reverse("documents:download", args=[document.pk, "docx"])
        assert client.get(url).status_code in (302, 403)  # 302: external, to the second factor


def test_a_missing_pdf_is_not_found_and_the_preview_explains_why(
    client: Client, document: Document
) -> None:
    _logged_in(client, factories.officer(username="o3"))
    assert client.get(reverse("documents:download", args=[document.pk, "pdf"])).status_code == 404
    response = client.get(reverse("documents:preview", args=[document.pk]))
    assert "kein PDF" in response.content.decode()


def test_the_review_documents_partial_offers_retry_for_a_word_only_document(
    client: Client, document: Document
) -> None:
    _logged_in(client, factories.officer(username="o4"))
    url = reverse("documents:review_documents", args=[document.review_id])
    content = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "nur Word" in content and "Erneut versuchen" in content
    assert document.docx_filename in content
    response = client.post(reverse("documents:retry", args=[document.pk]))
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.pdf_status in (Document.PdfStatus.PENDING, Document.PdfStatus.SKIPPED)


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("de", "Dieses Dokument ist nicht fehlgeschlagen"),
        ("en", "This document has not failed"),
    ],
)
def test_retrying_a_finished_document_is_refused_in_the_viewers_language(
    client: Client, document: Document, language: str, said: str
) -> None:
    _logged_in(client, factories.officer(username="o5"))
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    document.pdf_status = Document.PdfStatus.DONE
    document.pdf = "dokumente/x.pdf"
    document.pdf_sha256 = "0" * 64
    document.save()
    response = client.post(reverse("documents:retry", args=[document.pk]), follow=True)
    assert said in response.content.decode()


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example"])
def test_the_retry_never_sends_the_browser_to_another_site(
    client: Client, document: Document, target: str
) -> None:
    _logged_in(client, factories.officer(username="o6"))
    response = client.post(reverse("documents:retry", args=[document.pk]), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:review_documents", args=[document.review_id])


def test_the_retry_returns_to_a_page_of_this_site(client: Client, document: Document) -> None:
    _logged_in(client, factories.officer(username="o7"))
    back = reverse("workflows:review_detail", args=[document.review_id])
    response = client.post(reverse("documents:retry", args=[document.pk]), {"next": back})
    assert response["Location"] == back
