"""Files a killed worker wrote but never recorded are removed once they are a day old; recorded
files, previews and files of a generation still under way stay."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from review.documents import housekeeping, services
from review.models import Document
from tests import factories as f

pytestmark = pytest.mark.django_db


def _write(name: str) -> str:
    return default_storage.save(name, ContentFile(b"PK\x03\x04 Stellungnahme"))


@pytest.fixture
def recorded(django_capture_on_commit_callbacks: Callable[..., Any]) -> Document:
    """A requested document (its generation not run) with its Word file recorded."""
    review = f.make_review_with_statement()
    with django_capture_on_commit_callbacks():
        document = services.request_documents(review=review, by=f.head())[0]
    document.docx = _write(f"dokumente/{review.pk}/001_V1-26_Stellungnahme.docx")
    document.save(update_fields=["docx"])
    return document


def test_a_file_nobody_recorded_is_removed_after_a_day(recorded: Document) -> None:
    stray = _write(f"dokumente/{recorded.review_id}/001_V1-26_Stellungnahme.docx")
    preview = _write(f"dokumente/{recorded.review_id}/vorschau/{recorded.pk}_abc_1.png")
    a_day_later = timezone.now() + timedelta(days=1, minutes=1)
    kept = str(recorded.docx.name)
    assert stray != kept  # the rerun's file got a name of its own
    assert housekeeping.remove_orphan_files(a_day_later) == 1
    assert not default_storage.exists(stray)
    assert default_storage.exists(kept)
    assert default_storage.exists(preview)


def test_a_file_of_a_generation_under_way_stays(recorded: Document) -> None:
    fresh = _write(f"dokumente/{recorded.review_id}/002_V1-26_Stellungnahme.docx")
    assert housekeeping.orphan_files(timezone.now() + timedelta(hours=1)) == []
    assert default_storage.exists(fresh)


def test_an_empty_storage_has_nothing_to_remove() -> None:
    assert housekeeping.remove_orphan_files() == 0
