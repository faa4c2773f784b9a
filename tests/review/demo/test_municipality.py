"""The demo municipality: about 200 papers over real HTTP, cases opened, idempotent."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from pytest_django.fixtures import Settings

from review.demo import municipality
from review.demo.setup import load_demo
from review.models import AuditEvent, File, Organization, Paper, Review, User

pytestmark = pytest.mark.django_db


def test_the_directory_is_deterministic_and_ids_do_not_depend_on_the_date(tmp_path: Path) -> None:
    municipality.write_directory(tmp_path / "a", date(2026, 12, 1))
    municipality.write_directory(tmp_path / "b", date(2026, 12, 1))
    later = municipality.build(date(2027, 2, 1))
    first = json.loads((tmp_path / "a" / "papers" / "7.json").read_text())

    assert first == json.loads((tmp_path / "b" / "papers" / "7.json").read_text())
    assert {p["id"] for p in later["papers"]} == {
        json.loads(f.read_text())["id"] for f in (tmp_path / "a" / "papers").glob("*.json")
    }


def test_demo_data_imports_musterstadt_with_cases_and_changes_nothing_when_run_again(
    tmp_path: Path, settings: Settings
) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    summary = load_demo(directory=tmp_path / "oparl")

    assert summary.run.status == "success"
    assert summary.papers == municipality.PAPER_COUNT == 200
    assert summary.organizations == 12
    assert 20 <= summary.reviews <= 120
    beirat = Organization.objects.get(name="Ausländerbeirat")
    assert beirat.is_watched and beirat.is_advisory_council
    assert Organization.objects.get(name="Integrationsausschuss").is_watched
    reasons = [" ".join(r.relevance_reasons) for r in Review.objects.all()]
    assert any("Beratung im Ausländerbeirat am" in text for text in reasons)
    assert any("Geflüchtete — im Titel:" in text for text in reasons)
    # Papers whose title says nothing: the reason points into the attachment's second page.
    hall = Review.objects.filter(paper__name__startswith="Sanierung der Sporthalle").first()
    assert hall is not None
    assert hall.relevance_reasons[0].startswith("Geflüchtete — im Anhang „Vorlage ")
    assert "“, Seite 2: … Geflüchtete …" in hall.relevance_reasons[0]
    assert File.objects.filter(text_status=File.TextStatus.FROM_SOURCE).exists()
    assert list(User.objects.get(username="beirat").organizations.all()) == [beirat]
    assert User.objects.get(username="gremienbetreuung").organizations.count() == 4
    assert Paper.objects.filter(consultations__agenda_item__result__gt="").exists()
    today = timezone.localdate()
    assert not Paper.objects.filter(date__gt=today).exists()
    assert Review.objects.filter(deadline__gte=today).exists()
    assert not Review.objects.filter(deadline__lt=today).exists()
    events = AuditEvent.objects.count()

    attachment = File.objects.filter(paper__source__isnull=False).select_related("paper").first()
    assert attachment is not None and attachment.paper is not None
    pdf = attachment.content.read()
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    assert attachment.paper.reference.encode() in pdf
    assert attachment.url.startswith(settings.MEDIA_URL)
    assert not File.objects.filter(content="").exists()
    contents = set(File.objects.values_list("content", flat=True))

    again = load_demo(directory=tmp_path / "oparl")

    assert set(File.objects.values_list("content", flat=True)) == contents

    assert (again.run.created, again.run.updated, again.run.deleted) == (0, 0, 0)
    assert again.reviews == summary.reviews
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("today", [date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 6)])
def test_papers_are_dated_in_the_past_and_no_upcoming_meeting_is_within_the_lead_days(
    today: date,
) -> None:
    objects = municipality.build(today)
    meetings = {m["id"]: date.fromisoformat(m["start"][:10]) for m in objects["meetings"]}
    assert max(date.fromisoformat(p["date"]) for p in objects["papers"]) < today
    upcoming = [
        meetings[c["meeting"]]
        for p in objects["papers"]
        for c in p["consultation"]
        if meetings[c["meeting"]] >= today
    ]
    assert upcoming, "some papers still wait for their committees"
    # A case's deadline is its next meeting minus 7 lead days: none is overdue on day one.
    assert min(upcoming) - timedelta(days=7) > today
