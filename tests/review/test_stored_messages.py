"""Messages the code stores on a row in German (a document's or a dispatch's error) are data
like any other, but the pages translate the known ones for an English reader."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from review.dispatch.services import GAVE_UP, WORKER_ENDED
from review.documents.limits import CHILD_FAILED
from review.documents.pdf import UNAVAILABLE
from review.models import Dispatch
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("stored", "english"),
    [
        (GAVE_UP, "Dispatch given up after several attempts"),
        (WORKER_ENDED, "Dispatch stopped (the worker ended)"),
        ("SMTP 550: mailbox unavailable", "SMTP 550: mailbox unavailable"),
    ],
)
def test_a_failed_dispatch_shows_its_error_in_the_readers_language(stored, english):
    review = f.make_review_with_statement()
    dispatch = f.make_dispatch(review, f.clerk(), status=Dispatch.Status.FAILED, error=stored)
    context = {"review": review, "dispatches": [dispatch]}

    with translation.override("en"):
        assert english in render_to_string("dispatch/_review_dispatches.html", context)
    with translation.override("de"):
        assert stored in render_to_string("dispatch/_review_dispatches.html", context)


def test_the_document_messages_stored_in_german_have_english_texts():
    with translation.override("en"):
        assert translation.gettext(UNAVAILABLE).startswith("No PDF made: LibreOffice (unoserver)")
        assert translation.gettext(CHILD_FAILED) == (
            "Making the document with this template stopped unexpectedly."
        )
    assert UNAVAILABLE.startswith("Kein PDF erstellt")
