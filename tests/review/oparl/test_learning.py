"""The learning model: out of the way without enough decisions; trained by the beat job on
the office's decisions, stored with its date and size; adds a reason, never replaces one."""

from __future__ import annotations

import pytest
from django.utils import timezone

from review.models import RelevanceModel, Review
from review.oparl import learning
from review.oparl.relevance import RelevanceProfile
from review.oparl.tasks import retrain_relevance_model
from tests import factories as f

pytestmark = pytest.mark.django_db

DISTRICTS = ["Nord", "Süd", "Ost", "West", "Mitte", "Alt", "Neu", "Ober", "Unter", "Hinter"]


def decide(count: int, *, start: int = 0) -> None:
    """`count` relevant and `count` not-affected decisions on papers without profile terms."""
    officer = f.officer(username=f"officer{start}")
    for i in range(start, start + count):
        district = f"{DISTRICTS[i % 10]}{i}"
        relevant = f.make_paper(f"Projektverlängerung Elterntreff und Lernpaten {district}stadt")
        f.make_review(relevant, status=Review.Status.ASSIGNED, assignee=officer)
        other = f.make_paper(f"Sanierung der Straßenbeleuchtung {district}straße")
        f.make_review(
            other,
            status=Review.Status.NOT_AFFECTED,
            close_reason="kein Bezug",
            closed_at=timezone.now(),
        )


def assess(title: str) -> tuple[int, list[str]]:
    assessment = RelevanceProfile(timezone.now()).assess({"name": title}, [])
    return assessment.score, assessment.reasons


def test_with_too_few_decisions_there_is_no_model_and_nothing_changes() -> None:
    decide(learning.MIN_LABELS - 1)
    assert retrain_relevance_model() == "cold start: too few decisions"
    assert not RelevanceModel.objects.exists()
    assert assess("Projektverlängerung Elterntreff und Lernpaten Zentrum") == (0, [])


def test_the_beat_job_trains_on_the_decisions_and_the_model_adds_a_reason_of_its_own() -> None:
    decide(learning.MIN_LABELS)
    retrain_relevance_model()

    model = RelevanceModel.objects.get()
    assert (model.positives, model.negatives) == (learning.MIN_LABELS, learning.MIN_LABELS)
    assert model.size_bytes == len(model.data) > 1000
    assert model.trained_at <= timezone.now()
    score, reasons = assess("Projektverlängerung Elterntreff und Lernpaten Zentrum")
    assert score >= RelevanceProfile(timezone.now()).threshold
    assert len(reasons) == 1
    assert reasons[0].startswith("ähnlich wie frühere Vorgänge V")
    assert "(Modell: " in reasons[0]
    assert assess("Sanierung der Straßenbeleuchtung Zentrum") == (0, [])
    # The profile's own reasons stay and come first.
    score, reasons = assess("Projektverlängerung Elterntreff und Lernpaten für Geflüchtete")
    assert reasons[0] == "Geflüchtete — im Titel: … Geflüchtete …"
    assert reasons[1].startswith("ähnlich wie frühere Vorgänge")


def test_retraining_replaces_the_model_and_keeps_only_the_last_few() -> None:
    decide(learning.MIN_LABELS)
    for round_ in range(learning.KEEP_MODELS + 1):
        decide(1, start=100 + round_)
        retrain_relevance_model()
    models = list(RelevanceModel.objects.all())
    assert len(models) == learning.KEEP_MODELS
    assert models[0].positives == learning.MIN_LABELS + learning.KEEP_MODELS + 1
