"""The relevance profile in the office UI: administrators only; a change shows the preview,
and only the button there scores the papers again."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from review.models import AuditEvent, KeywordTerm, Organization, Review
from tests import factories as f

pytestmark = pytest.mark.django_db

URLS = {
    "profile": "/verwaltung/relevanz/",
    "add": "/verwaltung/relevanz/stichwort/neu/",
    "term": "/verwaltung/relevanz/stichwort/{term}/",
    "watched": "/verwaltung/relevanz/beobachtet/",
    "preview": "/verwaltung/relevanz/vorschau/",
    "rescore": "/verwaltung/relevanz/neu-bewerten/",
}


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_every_profile_url_answers_each_role_as_expected() -> None:
    term = KeywordTerm.objects.get(term="Asyl")
    people = {
        "administrator": f.administrator(),
        "officer": f.officer(),
        "head": f.head(),
        "clerk": f.clerk(),
        "outsider": f.outsider(),
        "anonymous": None,
    }
    actual = {
        name: {
            role: client_for(user).get(url.format(term=term.pk)).status_code
            for role, user in people.items()
        }
        for name, url in URLS.items()
    }
    refused = {"officer": 403, "head": 403, "clerk": 403, "outsider": 403, "anonymous": 302}
    expected = {name: {"administrator": 200, **refused} for name in URLS}
    expected["rescore"]["administrator"] = 405  # POST only
    assert actual == expected


def test_a_new_term_leads_to_the_preview_and_the_button_opens_the_cases(
    eager_tasks: None, django_capture_on_commit_callbacks: Any
) -> None:
    paper = f.make_paper("Stadtteilfest im Lindenhof")
    client = client_for(f.administrator())

    response = client.post(
        URLS["add"],
        {
            "term": "Stadtteilfest",
            "word_forms": "Stadtteilfest",
            "strength": "strong",
            "weight": 70,
            "negative_contexts": "",
            "is_active": "on",
        },
    )
    assert response["Location"] == URLS["preview"]
    assert AuditEvent.objects.filter(verb="relevance.profile_changed").exists()
    preview = client.get(URLS["preview"]).content.decode()
    assert "1 Vorlagen würden neu vorgeschlagen, 0 nicht mehr" in preview
    assert str(paper) in preview
    assert not Review.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URLS["rescore"])
    assert response["Location"] == URLS["profile"]
    review = Review.objects.get(paper=paper)
    assert review.relevance_reasons == ["Stadtteilfest — im Titel: … Stadtteilfest …"]


def test_watching_a_lead_office_proposes_the_papers_it_leads() -> None:
    office = f.make_organization("Büro für Integration")
    led = f.make_paper("Haushaltsplanentwurf 2027")
    led.under_direction_of.add(office)
    client = client_for(f.administrator())

    response = client.post(URLS["watched"], {"watched": [office.pk]})
    assert response["Location"] == URLS["preview"]
    assert Organization.objects.get(pk=office.pk).is_watched
    preview = client.get(URLS["preview"]).content.decode()
    assert "1 Vorlagen würden neu vorgeschlagen, 0 nicht mehr" in preview
    page = client.get(URLS["profile"]).content.decode()
    assert "Büro für Integration" in page and "Sprachmittlung" in page
