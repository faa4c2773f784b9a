"""The search pages: who may search what (URL × role), what each role finds, and the pages."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories as f

from .conftest import client_for

pytestmark = pytest.mark.django_db

ROLES = ["officer", "head", "clerk", "beirat", "outsider", "anonymous"]


def _verified(user) -> Client:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = client_for(user)
    device = TOTPDevice.objects.create(user=user, name="App", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def clients(db):
    return {
        "officer": client_for(f.officer()),
        "head": client_for(f.head()),
        "clerk": client_for(f.clerk()),
        "beirat": _verified(f.beirat_member()),
        "outsider": client_for(f.outsider()),
        "anonymous": Client(),
    }


@pytest.fixture
def cases(db):
    shared = f.make_review(
        f.make_paper("Sprachkurse für Geflüchtete", reference="2026/0101"),
        shared_with_beirat=True,
        summary="Interne Notiz zur Haushaltslage",
    )
    internal = f.make_review(
        f.make_paper("Sprachförderung in Grundschulen", reference="2026/0102"),
        summary="Vertraulicher Vermerk",
    )
    return {"shared": shared, "internal": internal}


SEARCHERS = {"officer": 200, "head": 200, "clerk": 200, "beirat": 200, "outsider": 403}
EXPECTED = {
    "results": {**SEARCHERS, "anonymous": 302},
    "preview": {**SEARCHERS, "anonymous": 302},
    "similar": {
        "officer": 200,
        "head": 200,
        "clerk": 403,
        "beirat": 403,
        "outsider": 403,
        "anonymous": 302,
    },
}


def test_every_search_url_answers_each_role_as_expected(clients, cases):
    urls = {
        "results": "/suche/?q=Sprachkurse",
        "preview": "/suche/vorschau/?q=Sprach",
        "similar": f"/suche/aehnlich/{cases['shared'].pk}/",
    }
    actual = {
        name: {role: clients[role].get(url).status_code for role in ROLES}
        for name, url in urls.items()
    }
    assert actual == EXPECTED


def _hit_titles(client: Client, text: str) -> str:
    html = _unmarked(client.get("/suche/", {"q": text}).content.decode())
    return html.split('data-testid="search-hits"', 1)[1] if "search-hits" in html else ""


def _unmarked(html: str) -> str:
    return html.replace("<mark>", "").replace("</mark>", "")


def test_the_office_finds_papers_and_cases_with_their_notes(clients, cases):
    hits = _hit_titles(clients["officer"], "Sprachkurse")
    assert hits.count("Sprachkurse für Geflüchtete") == 2  # the paper and its case
    assert "Vorgang" in hits
    assert "Vertraulicher" in _hit_titles(clients["officer"], "Vermerk")


def test_a_clerk_finds_the_public_papers_of_their_committees_but_no_cases(cases):
    # The rule of the paper pages (Paper.objects.visible_to): public papers deliberated in the
    # clerk's own committees only.
    committee = f.make_organization("Integrationsausschuss")
    clerk = f.clerk(username="clerk2")
    clerk.organizations.add(committee)
    client = client_for(clerk)
    assert _hit_titles(client, "Sprachkurse") == ""
    f.make_consultation(cases["shared"].paper, organization=committee)
    cases["shared"].paper.save()  # re-indexed like a synced change
    hits = _hit_titles(client, "Sprachkurse")
    assert hits.count("Sprachkurse für Geflüchtete") == 1
    assert _hit_titles(client, "Vermerk") == ""
    secret = f.make_paper("Sprachkurse nichtöffentlich", reference="2026/0103", is_public=False)
    f.make_consultation(secret, organization=committee)
    secret.save()
    assert "nichtöffentlich" not in _hit_titles(client, "Sprachkurse")


def test_a_beirat_member_finds_shared_cases_by_title_only(clients, cases):
    hits = _hit_titles(clients["beirat"], "Sprach")
    assert "Sprachkurse für Geflüchtete" in hits
    assert f"/beirat/vorgang/{cases['shared'].pk}/" in hits
    assert "Sprachförderung in Grundschulen" not in hits  # not shared
    assert _hit_titles(clients["beirat"], "Haushaltslage") == ""  # the office's note


def test_the_results_page_marks_the_matching_words_and_offers_facets(clients, cases):
    html = clients["officer"].get("/suche/", {"q": "Geflüchtete"}).content.decode()
    assert "<mark>Geflüchtete</mark>" in html
    assert "Eingrenzen" in html


def test_typing_fetches_only_the_results_part(clients, cases):
    response = clients["officer"].get(
        "/suche/", {"q": "Sprachk", "teil": "ergebnisse"}, headers={"HX-Request": "true"}
    )
    html = _unmarked(response.content.decode())
    assert html.startswith('<div id="search-results">')
    assert "Sprachkurse für Geflüchtete" in html
    assert "<html" not in html


def test_the_header_preview_lists_the_best_hits_with_links(clients, cases):
    html = clients["officer"].get("/suche/vorschau/", {"q": "2026/101"}).content.decode()
    assert html.index(f"/vorlagen/{cases['shared'].paper.pk}/") < html.index("/suche/?q=")


def test_an_empty_search_says_what_to_do(clients, db):
    html = clients["officer"].get("/suche/", {"q": "Zeppelinlandeplatz"}).content.decode()
    assert "Nichts passt zu diesen Wörtern" in html


def test_similar_cases_show_earlier_cases_on_the_subject(clients, cases):
    earlier = f.make_review(f.make_paper("Sprachkurse für Eltern", reference="2020/0001"))
    f.make_review(f.make_paper("Neubau der Feuerwache", reference="2020/0002"))
    html = clients["officer"].get(f"/suche/aehnlich/{cases['shared'].pk}/").content.decode()
    assert f"/vorgaenge/{earlier.pk}/" in html
    assert "Feuerwache" not in html
    assert f"/vorgaenge/{cases['shared'].pk}/" not in html


def test_typing_shows_the_best_hits_without_facets_or_pages(clients, cases, monkeypatch):
    monkeypatch.setattr("review.views.search.TYPING_SIZE", 1)
    typed = clients["officer"].get(
        "/suche/", {"q": "Sprach", "teil": "ergebnisse"}, headers={"HX-Request": "true"}
    )
    html = typed.content.decode()
    assert html.count('class="search-hit"') == 1
    assert "Eingrenzen" not in html
    assert "Enter für alle Treffer" in html
    full = clients["officer"].get("/suche/", {"q": "Sprach"}).content.decode()
    assert full.count('class="search-hit"') >= 2
    assert "Eingrenzen" in full


def test_typing_without_more_hits_than_shown_asks_for_no_enter(clients, cases):
    typed = clients["officer"].get(
        "/suche/", {"q": "Vermerk", "teil": "ergebnisse"}, headers={"HX-Request": "true"}
    )
    html = typed.content.decode()
    assert html.count('class="search-hit"') == 1
    assert "Enter für alle Treffer" not in html


def test_a_capped_search_says_that_only_the_best_hits_are_listed(clients, cases, monkeypatch):
    monkeypatch.setattr("review.search.query.CANDIDATES", 1)
    html = clients["officer"].get("/suche/", {"q": "Sprach"}).content.decode()
    assert "Mehr als 1 Treffer; die besten 1 sind aufgeführt." in html
    assert html.count('class="search-hit"') == 1
    monkeypatch.setattr("review.search.query.CANDIDATES", 1000)
    html = clients["officer"].get("/suche/", {"q": "Sprach"}).content.decode()
    assert "Mehr als" not in html
