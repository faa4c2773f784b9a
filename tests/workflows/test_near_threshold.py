"""Papers just below the threshold: listed for the officer, pulled in with one click."""

from __future__ import annotations

from typing import Any

import pytest

from review import services
from review.models import AuditEvent, KeywordTerm, Review
from tests import factories as f

from .conftest import client_for

pytestmark = pytest.mark.django_db
URL = "/vorlagen/knapp-unter-der-schwelle/"


def test_a_paper_just_below_the_threshold_is_listed_and_pulled_in_with_one_click(
    office: Any,
) -> None:
    KeywordTerm.objects.filter(term="Integration").update(weight=20)
    paper = f.make_paper("Integrationskonzept der Stadt")
    f.make_paper("Straßenreinigung")
    client = client_for(office.officer)

    page = client.get(URL).content.decode()
    assert str(paper) in page and "(20)" in page
    assert "Straßenreinigung" not in page

    response = client.post(f"/vorlagen/{paper.pk}/aufnehmen/")
    review = Review.objects.get(paper=paper)
    assert response["Location"].startswith("/aufgaben/")
    assert review.relevance_reasons == [
        "Integration — im Titel: … Integrationskonzept …",
        services.PULLED_IN,
    ]
    opened = AuditEvent.objects.get(verb="review.opened", review=review)
    assert (opened.actor, opened.details["pulled_in"]) == (office.officer, True)
    assert str(paper) not in client.get(URL).content.decode()


def test_a_paper_with_a_case_cannot_be_pulled_in_twice(office: Any) -> None:
    review = f.make_review()
    response = client_for(office.officer).post(f"/vorlagen/{review.paper.pk}/aufnehmen/")
    assert response["Location"] == URL
    assert Review.objects.count() == 1


def test_the_empty_list_says_what_happens_next(office: Any) -> None:
    page = client_for(office.officer).get(URL).content.decode()
    assert "New papers appear here after the next sync." in page or "nächsten" in page
