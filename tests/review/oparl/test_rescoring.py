"""Re-scoring after a profile change: preview first, then new cases; closed and triaged cases
keep their status; old and undated papers stay out."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from review.models import AuditEvent, KeywordTerm, Paper, Review
from review.oparl import rescoring
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def papers() -> dict[str, Paper]:
    today = timezone.localdate()
    return {
        "fresh": f.make_paper("Neues Stadtteilfest im Stadtpark", date=today),
        "old": f.make_paper("Stadtteilfest 2019", date=today - timedelta(days=400)),
        "undated": f.make_paper("Stadtteilfest ohne Datum", date=None),
        "closed": f.make_paper("Stadtteilfest am Rathaus", date=today),
        "triaged": f.make_paper("Stadtteilfest der Vereine", date=today),
    }


def office_adds_a_keyword() -> None:
    KeywordTerm.objects.create(term="Stadtteilfest", weight=70)


def test_a_profile_change_proposes_papers_already_imported_after_a_preview(
    papers: dict[str, Paper],
) -> None:
    closed = f.make_review(
        papers["closed"],
        status=Review.Status.NOT_AFFECTED,
        closed_at=timezone.now(),
        close_reason="Kein Bezug",
    )
    triaged = f.make_review(papers["triaged"], status=Review.Status.ASSIGNED)
    office_adds_a_keyword()

    preview = rescoring.preview(now=timezone.now())
    assert str(preview) == "1 Vorlagen würden neu vorgeschlagen, 0 nicht mehr"
    assert [label for _pk, label, _score in preview.new] == [str(papers["fresh"])]
    assert not Review.objects.filter(paper=papers["fresh"]).exists()  # nothing changed yet

    assert rescoring.rescore(now=timezone.now()) == 1
    review = Review.objects.get(paper=papers["fresh"])
    assert review.relevance_reasons == ["Stadtteilfest — im Titel: … Stadtteilfest …"]
    assert AuditEvent.objects.filter(verb="review.opened", review=review).exists()
    # Old and undated papers open no case; closed and triaged ones keep their status.
    assert not Review.objects.filter(paper__in=[papers["old"], papers["undated"]]).exists()
    closed.refresh_from_db()
    triaged.refresh_from_db()
    assert (closed.status, closed.relevance_reasons) == (Review.Status.NOT_AFFECTED, [])
    assert triaged.status == Review.Status.ASSIGNED
    assert triaged.relevance_score == 70


def test_untriaged_cases_the_new_profile_no_longer_proposes_are_counted_but_stay_open() -> None:
    paper = f.make_paper("Integrationskonzept der Stadt")
    review = f.make_review(paper, relevance_score=50)
    KeywordTerm.objects.filter(term="Integration").update(is_active=False)

    preview = rescoring.preview(now=timezone.now())
    assert str(preview) == "0 Vorlagen würden neu vorgeschlagen, 1 nicht mehr"
    rescoring.rescore(now=timezone.now())
    review.refresh_from_db()
    assert (review.status, review.relevance_score) == (Review.Status.NEW, 0)


def test_the_command_previews_with_dry_run_and_rescores_without(
    papers: dict[str, Paper],
) -> None:
    office_adds_a_keyword()
    out = StringIO()
    call_command("relevance_rescore", "--dry-run", stdout=out)
    assert "3 Vorlagen würden neu vorgeschlagen, 0 nicht mehr." in out.getvalue()
    assert f"  neu (70): {papers['fresh']}" in out.getvalue()
    assert "Probelauf: nichts geändert." in out.getvalue()
    assert not Review.objects.exists()

    out = StringIO()
    call_command("relevance_rescore", stdout=out)
    assert "3 Vorgänge neu angelegt." in out.getvalue()
    assert Review.objects.filter(paper=papers["fresh"]).exists()
    assert not Review.objects.filter(paper__in=[papers["old"], papers["undated"]]).exists()
