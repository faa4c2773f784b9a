"""The German rules, numbers, ranking and statistics of the one search, on the database the
tests run on (PostgreSQL in CI, SQLite by default): the same rules hold on both."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from review.models import SearchEntry, SearchSynonym
from review.search import indexing
from tests import factories as f

from .conftest import titles

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(db):
    return f.officer()


def test_a_part_of_a_compound_finds_the_compound(council, officer):
    assert titles("Unterkunft", officer) == ["Neue Flüchtlingsunterkunft in der Südstadt"]
    assert titles("Behörde", officer) == ["Personalausstattung der Ausländerbehörde"]


def test_a_compound_finds_its_parts_written_apart(db, officer):
    f.make_paper("Unterkunft für Flüchtlinge am Stadtrand")
    indexing.index_all()
    assert titles("Flüchtlingsunterkunft", officer) == ["Unterkunft für Flüchtlinge am Stadtrand"]


def test_spelling_without_umlauts_finds_umlauts(council, officer):
    assert titles("Gebuehren", officer) == ["Satzung über Gebühren für Sportstätten"]
    assert titles("Auslaenderbehoerde", officer) == ["Personalausstattung der Ausländerbehörde"]
    assert titles("Fluechtlingsunterkunft", officer) == [
        "Neue Flüchtlingsunterkunft in der Südstadt"
    ]


def test_the_last_word_matches_as_a_prefix_while_typing(council, officer):
    assert titles("Integrat", officer) == ["Integrationskonzept 2030"]
    assert titles("Flücht", officer) == ["Neue Flüchtlingsunterkunft in der Südstadt"]


def test_a_typo_finds_the_word_through_the_vocabulary(council, officer):
    assert titles("Integartionskonzept", officer) == ["Integrationskonzept 2030"]
    assert titles("Gebürhen", officer) == ["Satzung über Gebühren für Sportstätten"]


def test_a_typo_that_is_itself_a_word_of_the_data_is_widened_too(db, officer):
    for n in range(3):
        f.make_paper(f"Neues Fahrzeug für die Feuerwehr, Los {n}", reference=f"2025/090{n}")
    f.make_paper("Bericht der Feuerwher (sic)", reference="2025/0910")
    indexing.index_all()
    found = titles("Feuerwher", officer)
    assert "Bericht der Feuerwher (sic)" in found
    assert len(found) == 4
    # A rare word that is right is not widened once it has enough hits of its own.
    assert titles("Fahrzeug", officer) == titles("Fahrzeug ", officer)
    assert len(titles("Fahrzeug", officer)) == 3


def test_synonyms_from_the_office_list_are_found(council, officer):
    assert "Ausbau der Kindertagesstätten im Osten" in titles("Kita", officer)
    assert titles("Nahverkehr", officer) == ["Taktverdichtung im ÖPNV"]


def test_an_edited_synonym_applies_to_the_next_search_without_reindexing(council, officer):
    assert titles("Bolzplatz", officer) == []
    SearchSynonym.objects.create(words="Bolzplatz, Sportstätte")
    assert titles("Bolzplatz", officer) == ["Satzung über Gebühren für Sportstätten"]


def test_a_synonym_of_several_words_stands_for_its_group(db, officer):
    f.make_paper("Bebauungsplan Nordstadt, Aufstellungsbeschluss", reference="2025/0800")
    f.make_paper("B-Plan Südweststadt: Offenlage", reference="2025/0801")
    f.make_paper("Plan für die Beleuchtung im Block B", reference="2025/0802")
    indexing.index_all()
    # "B-Plan" is two words to the analysis; the office's list makes it "Bebauungsplan".
    assert sorted(titles("B-Plan", officer)) == [
        "B-Plan Südweststadt: Offenlage",
        "Bebauungsplan Nordstadt, Aufstellungsbeschluss",
        "Plan für die Beleuchtung im Block B",  # both words, as any two-word search
    ]
    # A phrase matches by its words, not by their order (so "Block B" with "Plan" comes too).
    assert {
        "B-Plan Südweststadt: Offenlage",
        "Bebauungsplan Nordstadt, Aufstellungsbeschluss",
    } <= set(titles("Bebauungsplan", officer))
    assert titles("B-Plan Nordstadt", officer) == ["Bebauungsplan Nordstadt, Aufstellungsbeschluss"]


@pytest.mark.parametrize("written", ["2025/0576", "2025/576", "25/0576", "0576/2025", "2025 0576"])
def test_a_vorlage_number_in_any_usual_form_finds_it_first(council, officer, written):
    assert titles(written, officer)[0] == "Neue Flüchtlingsunterkunft in der Südstadt"


def test_a_title_match_ranks_above_a_match_in_the_attachments(db, officer):
    in_attachment = f.make_paper("Bericht des Jugendamts")
    f.make_file(in_attachment, name="Anlage Sprachförderung")
    f.make_paper("Sprachförderung an Grundschulen")
    indexing.index_all()
    assert titles("Sprachförderung", officer) == [
        "Sprachförderung an Grundschulen",
        "Bericht des Jugendamts",
    ]


def test_of_two_equal_matches_the_newer_ranks_first(db, officer):
    f.make_paper("Sanierung der Stadtbibliothek", date=f.in_days(-3000))
    f.make_paper("Sanierung der Stadtbibliothek", date=f.in_days(-10), reference="2026/1")
    indexing.index_all()
    ranked = titles("Stadtbibliothek", officer)
    assert len(ranked) == 2
    newest = SearchEntry.objects.get(reference="2026/1")
    from review.search import query

    assert query.run(text="Stadtbibliothek", user=officer).ids[0] == newest.pk


def test_case_text_is_found_and_facets_count_kinds(case, officer):
    from review.search import query

    ranked = query.run(text="Familien", user=officer)
    assert [SearchEntry.objects.get(pk=pk).kind for pk in ranked.ids] == ["case"]
    both = query.run(text="Flüchtlingsunterkunft", user=officer)
    assert both.facets["kind"] == {"paper": 1, "case": 1}


def test_a_statement_version_reindexes_its_case(case, officer):
    f.make_statement_version(case, officer, assessment="Schulweg der Kinder sichern")
    assert titles("Schulweg", officer) == ["Neue Flüchtlingsunterkunft in der Südstadt"]


def test_only_the_newest_version_of_a_statement_is_searched(case, officer):
    f.make_statement_version(case, officer, assessment="Schulweg der Kinder sichern")
    f.make_statement_version(case, officer, assessment="Radweg am Bahnhof")
    other = f.make_review(f.make_paper("Spielplatz am Rhein"))
    f.make_statement_version(other, officer, assessment="Schulweg über die Brücke")
    f.make_statement_version(other, officer, assessment="Schulweg beleuchten")
    assert titles("Radweg", officer) == ["Neue Flüchtlingsunterkunft in der Südstadt"]
    assert titles("Schulweg", officer) == ["Spielplatz am Rhein"]
    indexing.index_reviews()  # all cases in one go: the newest version of each
    assert titles("Radweg", officer) == ["Neue Flüchtlingsunterkunft in der Südstadt"]
    assert titles("Schulweg", officer) == ["Spielplatz am Rhein"]
    assert titles("Brücke", officer) == []


def _stored(review) -> dict:
    """The case's entry as a full reindex writes it (the row's id aside)."""
    row = SearchEntry.objects.get(kind="case", object_id=review.pk)
    fields = {f.attname: getattr(row, f.attname) for f in SearchEntry._meta.concrete_fields}
    del fields["id"]
    fields["organizations"] = sorted(row.organizations.values_list("pk", flat=True))
    fields["topics"] = sorted(row.topics.values_list("pk", flat=True))
    return fields


def _reindexed(review) -> dict:
    indexing.index_reviews([review.pk])
    return _stored(review)


def test_a_status_step_updates_the_case_entry_as_a_full_reindex_would(case, officer):
    from review import services

    case.topics.add(f.make_topic("Wohnen"))
    services.triage_relevant(review=case, by=officer)
    after_step = _stored(case)
    assert after_step["status"] == "awaiting_assignment"
    assert after_step == _reindexed(case)


def test_a_status_step_of_a_case_not_yet_indexed_writes_its_whole_entry(db, officer):
    from review import services

    review = f.make_review(f.make_paper("Sprachcafé im Quartier"))
    SearchEntry.objects.filter(kind="case", object_id=review.pk).delete()
    services.triage_relevant(review=review, by=officer)
    assert titles("Sprachcafé", officer, kind="case") == ["Sprachcafé im Quartier"]


def test_a_new_version_updates_the_case_entry_as_a_full_reindex_would(case, officer):
    case.topics.add(f.make_topic("Wohnen"))
    f.make_statement_version(case, officer, assessment="Schulweg der Kinder sichern")
    after_save = _stored(case)
    assert "Schulweg der Kinder sichern" in after_save["text"]
    assert after_save == _reindexed(case)
    assert titles("Schulweg", officer) == ["Neue Flüchtlingsunterkunft in der Südstadt"]


def test_the_case_entry_reads_no_case_field_beyond_the_listed_ones(case, django_assert_num_queries):
    from review.models import Review

    listed = indexing.CASE_TEXT_FIELDS | set(indexing.CASE_FLAGS) | {"id"}
    others = [f.name for f in Review._meta.concrete_fields if f.name not in listed]
    review = indexing._reviews().defer(*others).get(pk=case.pk)
    with django_assert_num_queries(0):  # a deferred field would be read with a query
        indexing.case_entry(review)


def test_a_paper_entered_by_hand_is_found_with_its_attachment(db, officer):
    paper = f.make_paper("Bürgerhaushalt")
    f.make_file(paper, name="Stellungnahme Seniorenbeirat.pdf")
    assert titles("Seniorenbeirat", officer) == ["Bürgerhaushalt"]


def test_soft_deleted_papers_leave_the_index(council, officer):
    council["gebuehren"].soft_delete()
    assert titles("Gebühren", officer) == []


def test_a_word_search_uses_the_index_on_postgresql(council, officer):
    if connection.vendor != "postgresql":
        pytest.skip("the GIN index and EXPLAIN exist on PostgreSQL only")
    indexing.refresh_statistics()
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM review_searchentry "
            "WHERE vector @@ to_tsquery('simple', 'unterkunft')"
        )
        plan = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
    assert "review_searchentry_vector" in plan


def test_the_typo_lookup_reads_the_vocabulary_through_its_index_on_postgresql(db):
    if connection.vendor != "postgresql":
        pytest.skip("the trigram index and EXPLAIN exist on PostgreSQL only")
    from review.models import SearchTerm
    from review.search import query

    # A vocabulary the size of a city's archive (Karlsruhe: 26,000 terms), with statistics: with
    # the GIN index the planner chose to read it whole (169 ms there, 3 ms through the index).
    syllables = ["flucht", "ling", "unter", "kunft", "bau", "plan", "schul", "haus", "weg", "amt"]
    SearchTerm.objects.bulk_create(
        SearchTerm(term=f"{a}{b}{c}{n}")
        for n in range(30)
        for a in syllables
        for b in syllables
        for c in syllables
    )
    indexing.refresh_statistics()
    with CaptureQueriesContext(connection) as queries:
        query._similar_terms("fluchtlng")
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + queries[-1]["sql"])
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "review_searchterm_trgm_gist" in plan
    assert "Seq Scan" not in plan


def test_a_large_sync_refreshes_the_statistics(db, monkeypatch):
    calls = []
    monkeypatch.setattr(indexing, "refresh_statistics", lambda: calls.append(1))
    source = f.make_source()
    from django.utils import timezone

    from review.models import SyncRun

    run = SyncRun.objects.create(source=source, started_at=timezone.now(), is_full=True)
    f.make_paper("Neu importiert")
    assert indexing.index_after_sync(run) >= 1
    assert calls == [1]
    small = SyncRun.objects.create(source=source, started_at=timezone.now(), is_full=False)
    indexing.index_after_sync(small)
    assert calls == [1]


def test_after_analyze_postgresql_knows_the_index_rows(council):
    if connection.vendor != "postgresql":
        pytest.skip("planner statistics exist on PostgreSQL only")
    indexing.refresh_statistics()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_live_tup > 0 OR last_analyze IS NOT NULL FROM pg_stat_user_tables "
            "WHERE relname = 'review_searchentry'"
        )
        assert cursor.fetchone() == (True,)
    with CaptureQueriesContext(connection) as queries:
        indexing.refresh_statistics()
    assert any("ANALYZE" in q["sql"] for q in queries.captured_queries)


def test_the_statistics_refresh_merges_the_pending_index_entries_on_postgresql(council):
    if connection.vendor != "postgresql":
        pytest.skip("the GIN index exists on PostgreSQL only")
    with CaptureQueriesContext(connection) as queries:
        indexing.refresh_statistics()
    assert any("gin_clean_pending_list" in q["sql"] for q in queries.captured_queries)


def test_a_small_sync_merges_the_pending_index_entries_without_analyze(db, monkeypatch):
    merged, analyzed = [], []
    monkeypatch.setattr(indexing, "merge_pending_index_entries", lambda: merged.append(1))
    monkeypatch.setattr(indexing, "refresh_statistics", lambda: analyzed.append(1))
    from django.utils import timezone

    from review.models import SyncRun

    small = SyncRun.objects.create(source=f.make_source(), started_at=timezone.now())
    f.make_paper("Neu importiert")
    indexing.index_after_sync(small)
    assert (merged, analyzed) == ([1], [])
