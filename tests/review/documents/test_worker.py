"""A document made by a real Celery worker through Redis, on the "documents" queue."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from review.documents import services
from review.models import Document
from tests import factories
from tests.conftest import requires_worker

pytestmark = [pytest.mark.worker, requires_worker]


@pytest.fixture
def worker_environment(monkeypatch: pytest.MonkeyPatch, media_root: Path) -> None:
    """Set before the worker starts: it shares our media folder (and, like every worker the
    tests start, has no LibreOffice)."""
    monkeypatch.setenv("MEDIA_ROOT", str(media_root))


def test_the_worker_makes_the_statement_document(
    worker_environment: None, celery_worker: object
) -> None:
    review = factories.make_review_with_statement()
    [document] = services.request_documents(review=review, by=factories.head())

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        document.refresh_from_db()
        if not document.is_in_progress:
            break
        time.sleep(0.5)
    assert document.status == Document.Status.READY, document.error
    assert document.pdf_status == Document.PdfStatus.SKIPPED
    with document.docx.open("rb") as handle:
        assert handle.read(2) == b"PK"
