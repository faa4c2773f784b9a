"""Relevance reasons are stored in German and shown in the reader's language, data unchanged."""

from __future__ import annotations

import pytest
from django.utils import translation

from review.oparl import reasons
from review.oparl.reasons import describe

STORED = {
    reasons.IN_TITLE(term="Geflüchtete", word="Geflüchteten"): (
        "Geflüchtete — in the title: … Geflüchteten …"
    ),
    reasons.IN_ATTACHMENT_NAME(term="Kita", word="Kita-Plätze"): (
        "Kita — in the name of an attachment: … Kita-Plätze …"
    ),
    reasons.IN_ATTACHMENT(term="Migration", label="Anlage 1", page=2, word="Migration"): (
        "Migration — in the attachment “Anlage 1”, page 2: … Migration …"
    ),
    reasons.IN_ATTACHMENT(term="Migration", label=reasons.UNNAMED, page=1, word="Zuwanderung"): (
        "Migration — in the attachment “without a name”, page 1: … Zuwanderung …"
    ),
    reasons.CONSULTED_ON(committee="Ausländerbeirat", date="14.12.2026"): (
        "Discussed in Ausländerbeirat on 14.12.2026"
    ),
    reasons.CONSULTED(committee="Integrationsausschuss am Markt"): (
        "Discussed in Integrationsausschuss am Markt"
    ),
    reasons.LEAD(office="Amt für Integration"): "Lead unit: Amt für Integration",
    reasons.SIMILAR(references="2026/0012, 2026/0040", probability="87%"): (
        "similar to earlier cases 2026/0012, 2026/0040 (model: 87%)"
    ),
    reasons.PULLED_IN(): "taken up by hand (just below the threshold)",
}


def test_the_stored_reasons_are_the_german_sentences_the_import_always_wrote():
    stored = list(STORED)
    assert stored[0] == "Geflüchtete — im Titel: … Geflüchteten …"
    assert stored[2] == "Migration — im Anhang „Anlage 1“, Seite 2: … Migration …"
    assert stored[4] == "Beratung im Ausländerbeirat am 14.12.2026"
    assert stored[6] == "federführend: Amt für Integration"


@pytest.mark.parametrize("stored", list(STORED))
def test_a_german_page_shows_the_reason_exactly_as_stored(stored):
    with translation.override("de"):
        assert describe(stored) == stored


@pytest.mark.parametrize(("stored", "english"), list(STORED.items()))
def test_an_english_page_shows_the_fixed_words_in_english_and_the_data_as_it_is(stored, english):
    with translation.override("en"):
        assert describe(stored) == english


def test_a_reason_in_no_known_format_is_shown_unchanged():
    with translation.override("en"):
        assert describe("Beratung im Ausschuss am gestern") == "Discussed in Ausschuss am gestern"
        assert describe("vom Büro markiert") == "vom Büro markiert"
        assert describe({"text": "x"}) == "{'text': 'x'}"
