"""The German rules of the search's text analysis, without a database."""

from __future__ import annotations

import pytest

from review.search.analysis import index_terms, is_number_query, query_words, reference_key


def test_umlauts_and_their_spelling_without_umlauts_give_the_same_terms():
    assert index_terms("Flüchtlinge") == index_terms("Fluechtlinge")
    assert index_terms("Gebühren") == index_terms("Gebuehren")
    assert index_terms("Straße") == index_terms("Strasse")


def test_stemming_joins_singular_plural_and_a_plural_s_after_a_vowel():
    assert index_terms("Flüchtling") == index_terms("Flüchtlinge")
    assert index_terms("Kitas") == index_terms("Kita")


def test_a_compound_is_indexed_with_its_parts():
    terms = index_terms("Flüchtlingsunterkunft").split()
    assert {"fluchtling", "unterkunft"} <= set(terms)
    assert "behord" in index_terms("Ausländerbehörde").split()


def test_short_words_and_wrong_looking_splits_stay_whole():
    assert index_terms("Unterkunft") == "unterkunft"
    assert index_terms("Gebühren") == "gebuhr"


def test_a_query_compound_may_match_by_its_parts_and_the_last_word_as_prefix():
    first, last = query_words("Flüchtlingsunterkunft Integrat")
    assert first.parts == ("fluchtling", "unterkunft")
    assert not first.prefix
    assert last.prefix


def test_a_finished_last_word_is_no_prefix():
    assert not query_words("Integration ")[0].prefix


@pytest.mark.parametrize(
    "written",
    ["2025/0576", "2025/576", "25/0576", "0576/2025", "2025 0576", "DHH/2025/0576", "2025-0576"],
)
def test_every_usual_form_of_a_vorlage_number_gives_one_key(written):
    assert reference_key(written) == "2025/576"
    assert is_number_query(written)


def test_a_reference_with_a_short_year_after_the_number():
    assert reference_key("V2345/24") == "2024/2345"


def test_words_are_no_number_query():
    assert not is_number_query("Haushalt 2025")
    assert reference_key("Haushalt") == ""
