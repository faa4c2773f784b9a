"""The process chart names every step exactly as annotated, in German."""

from __future__ import annotations

import re

from review.models import Review
from tests.workflows.conftest import Office, client_for


def texts(svg: str) -> set[str]:
    """The labels inside boxes (<text>) and of events and gateways (their <title>)."""
    found = re.findall(r"<(?:text|title)[^>]*>([^<]*)</(?:text|title)>", svg)
    return {t.strip() for t in found if t.strip()}


def test_the_chart_keeps_the_titles_as_written_and_labels_branches_ja_nein(
    office: Office, review: Review
) -> None:
    response = client_for(office.officer).get("/ablauf/diagramm.svg")
    assert response["Content-Type"] == "image/svg+xml"
    labels = texts(response.content.decode())
    assert {"Entwurf der", "Stellungnahme", "Beschluss erfassen", "Votum des Beirats"} <= labels
    assert {"Vorlage eingegangen", "Dokumente erzeugen"} <= labels
    assert {"Entwurf Der", "Beschluss Erfassen", "Start"}.isdisjoint(labels)
    assert {"ja", "nein"} <= labels
    assert {"yes", "no"}.isdisjoint(labels)
