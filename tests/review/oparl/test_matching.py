"""The default profile: compounds, inflection, negative contexts, weak terms, places, bands."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from review.models import KeywordTerm
from review.oparl.matching import Attachment, load_terms, score_keywords
from review.oparl.relevance import RelevanceProfile

pytestmark = pytest.mark.django_db


def score(title: str, attachments: list[Attachment] | None = None) -> tuple[int, list[str]]:
    result = score_keywords(load_terms(), title, attachments)
    return result.score, result.reasons


@pytest.mark.parametrize(
    ("title", "reason"),
    [
        (
            "Neubau einer Flüchtlingsunterkunft in der Südstadt",
            "Geflüchtete — im Titel: … Flüchtlingsunterkunft …",
        ),
        (
            "Beschulung neuzugewanderter Kinder",
            "Vorbereitungsklasse — im Titel: … neuzugewanderter …",
        ),
        ("Dolmetscherpool für Beratungsstellen", "Sprachmittlung — im Titel: … Dolmetscherpool …"),
        ("Gebühren der Einbürgerungsbehörde", "Einbürgerung — im Titel: … Einbürgerungsbehörde …"),
        (
            "Einführung der Bezahlkarte für Geflüchtete",
            "Asyl — im Titel: … Bezahlkarte …",
        ),
        (
            "Anschlussunterbringung 2025",
            "Unterbringung Geflüchteter — im Titel: … Anschlussunterbringung …",
        ),
        ("Maßnahmen gegen Rassismus", "Diskriminierung — im Titel: … Rassismus …"),
    ],
)
def test_terms_match_inside_compounds_and_in_inflected_forms_and_name_the_word(
    title: str, reason: str
) -> None:
    points, reasons = score(title)
    assert reasons[0] == reason
    assert points >= 70  # a strong term in the title is "hoch"


@pytest.mark.parametrize(
    "title",
    [
        "Integration des Verkehrsverbunds in den Tarif des KVV",
        "Integration der Bürger-App in die Serviceplattform",
        "Migration der Server in das Rechenzentrum",
        "Datenmigration Finanzverfahren",
        "Zufahrt ausländischer Fahrzeuge in die Umweltzone",
        "Fluchtwege und Brandschutz im Rathaus",
        "Ermittlung bei Unfallflucht",
    ],
)
def test_negative_contexts_cancel_technical_senses(title: str) -> None:
    assert score(title) == (0, [])


def test_a_weak_term_alone_counts_nothing_but_adds_next_to_a_strong_one() -> None:
    assert score("Sanierung der Kita Sonnenschein") == (0, [])
    alone, _ = score("Sprachförderung")
    points, reasons = score("Sprachförderung in der Kita Sonnenschein")
    assert points == alone + 5
    assert reasons == [
        "Sprachförderung — im Titel: … Sprachförderung …",
        "Kita — im Titel: … Kita …",
    ]


def test_whole_word_forms_do_not_match_inside_other_words() -> None:
    assert score("Romantik im Stadtgarten") == (0, [])
    assert score("Beratungsstelle für Sinti und Roma")[1][0].startswith("Diskriminierung")


def test_attachment_names_count_a_little_less_than_the_title_and_say_where() -> None:
    points, reasons = score("Haushalt 2026", [Attachment("Anlage 2 Konzept Asylbewerberheim")])
    assert points == 56
    assert reasons == ["Asyl — im Namen der Anlage: … Asylbewerberheim …"]


def test_attachment_text_names_the_page_and_a_single_mention_stays_below_the_threshold() -> None:
    text = "Seite eins.\fSeite zwei.\fDie Geflüchteten aus der Ukraine werden untergebracht."
    once, reasons = score("Bericht", [Attachment("Begründung", text)])
    assert once < RelevanceProfile(timezone.now()).threshold
    assert reasons == ["Geflüchtete — im Anhang „Begründung“, Seite 3: … Geflüchteten …"]
    twice, _ = score("Bericht", [Attachment("Begründung", text + " Flüchtlinge.")])
    assert twice >= RelevanceProfile(timezone.now()).threshold


def test_an_office_term_without_endings_or_with_old_stars_still_matches() -> None:
    KeywordTerm.objects.create(term="Welcome", word_forms="Willkommensbüro*", weight=40)
    assert "Welcome — im Titel: … Willkommensbüros …" in score("Ein Willkommensbüros")[1]


def test_a_paper_without_a_date_is_never_recent() -> None:
    profile = RelevanceProfile(timezone.now())
    assessment = profile.assess({"name": "Flüchtlingsunterkunft", "date": None}, [])
    assert assessment.score >= profile.threshold
    assert not profile.opens_case({"date": None}, assessment)
    assert profile.opens_case({"date": timezone.localdate() - timedelta(days=3)}, assessment)
