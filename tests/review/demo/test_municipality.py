"""The demo municipality: about 200 papers over real HTTP, cases opened, idempotent."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from review.demo import municipality
from review.demo.setup import load_demo
from review.models import AuditEvent, Organization, Paper, Review, User

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
    summary = load_demo(directory=tmp_path)

    assert summary.run.status == "success"
    assert summary.papers == municipality.PAPER_COUNT == 200
    assert summary.organizations == 12
    assert 20 <= summary.reviews <= 120
    beirat = Organization.objects.get(name="Ausländerbeirat")
    assert beirat.is_watched and beirat.is_advisory_council
    assert Organization.objects.get(name="Integrationsausschuss").is_watched
    reasons = [" ".join(r.relevance_reasons) for r in Review.objects.all()]
    assert any("Beratung im Ausländerbeirat am" in text for text in reasons)
    assert any("Stichwort: Geflüchtete" in text for text in reasons)
    assert list(User.objects.get(username="beirat").organizations.all()) == [beirat]
    assert User.objects.get(username="gremienbetreuung").organizations.count() == 4
    assert Paper.objects.filter(consultations__agenda_item__result__gt="").exists()
    events = AuditEvent.objects.count()

    again = load_demo(directory=tmp_path)

    assert (again.run.created, again.run.updated, again.run.deleted) == (0, 0, 0)
    assert again.reviews == summary.reviews
    assert AuditEvent.objects.count() == events
