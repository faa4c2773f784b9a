from __future__ import annotations

import pytest
from django.test import Client

from review.models import Review, SearchEntry
from review.search import indexing
from review.search import query as search_query
from tests import factories as f


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def titles(text: str, user, **filters) -> list[str]:
    ranked = search_query.run(text=text, user=user, filters=search_query.Filters(**filters))
    entries = SearchEntry.objects.in_bulk(ranked.ids)
    return [entries[pk].title for pk in ranked.ids]


@pytest.fixture
def council(db):
    """A handful of papers with the words the German rules are about, indexed."""
    papers = {
        "unterkunft": f.make_paper(
            "Neue Flüchtlingsunterkunft in der Südstadt", reference="2025/0576"
        ),
        "behoerde": f.make_paper("Personalausstattung der Ausländerbehörde", reference="2024/0113"),
        "kita": f.make_paper("Ausbau der Kindertagesstätten im Osten", reference="2025/0201"),
        "gebuehren": f.make_paper("Satzung über Gebühren für Sportstätten", reference="2023/0999"),
        "bus": f.make_paper("Taktverdichtung im ÖPNV", reference="2025/0300"),
        "integration": f.make_paper("Integrationskonzept 2030", reference="2022/0042"),
    }
    indexing.index_all()
    return papers


@pytest.fixture
def case(council) -> Review:
    review = f.make_review(
        council["unterkunft"], summary="Belegung mit geflüchteten Familien prüfen"
    )
    indexing.index_reviews([review.pk])
    return review
