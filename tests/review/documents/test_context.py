"""The template context is built from the review, its paper and the statement version."""

from __future__ import annotations

from datetime import date

import pytest

from review.documents.context import CONTEXT_VARIABLES, build_context, file_stem, sample_context
from review.models import DocumentKind
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_context_carries_the_paper_the_beratungsfolge_and_the_statement() -> None:
    author = factories.officer(first_name="Aylin", last_name="Öztürk", phone="")
    review = factories.make_review_with_statement(
        author,
        facts="Erster Absatz.\n\nZweiter Absatz.",
        recommendation="approve_with_changes",
    )
    review.shared_with_beirat = True
    review.save()
    version = review.statement.current_version
    assert version is not None
    factories.make_change_proposal(version, location="Nr. 2")
    signatory = factories.head(first_name="Jörg", last_name="Weiß", job_title="Beauftragter")

    context = build_context(
        review=review,
        kind=DocumentKind.COMMITTEE,
        version=version,
        number=1,
        on=date(2026, 3, 1),
        signatory=signatory,
    )

    assert context["paper"]["reference"] == "V2345/24"
    assert context["statement"]["facts"] == ["Erster Absatz.", "Zweiter Absatz."]
    assert context["statement"]["recommendation"] == "Zustimmung mit Änderungen"
    assert context["statement"]["changes"][0]["location"] == "Nr. 2"
    [consultation] = context["consultations"]
    assert consultation["organization"] == "Ausschuss für Soziales und Integration"
    assert consultation["meeting_date"] is not None
    assert context["addressee"]["name"] == "Ausschuss für Soziales und Integration"
    assert context["officer"]["name"] == "Aylin Öztürk"
    assert context["officer"]["phone"] == "0123 456-0"  # the office's number as fallback
    assert context["signatory"] == {"name": "Jörg Weiß", "job_title": "Beauftragter"}
    assert context["beirat_vote"] is None
    assert "Ausländerbeirat" in context["distribution"]
    assert context["document"]["file_name"] == "V2345-24_Stellungnahme_Integration_2026-03-01"


def test_file_names_are_readable_and_safe() -> None:
    review = factories.make_review(factories.make_paper(reference="V 12/26 (neu)"))
    assert file_stem(review, DocumentKind.BEIRAT, date(2026, 3, 1)) == (
        "V12-26neu_Information-Beirat_Integration_2026-03-01"
    )


def test_the_sample_context_has_every_documented_variable() -> None:
    assert set(sample_context()) == set(CONTEXT_VARIABLES)
