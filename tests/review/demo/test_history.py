"""The demo's year of finished cases gives the situation report something in every figure."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from review.demo.history import create_history
from review.models import Review
from review.reports.figures import ReportFilter
from review.reports.forms import default_period
from review.reports.summary import build_report
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_year_of_history_fills_every_figure_once():
    for name in ["Ausschuss für Soziales", "Schulausschuss", "Bauausschuss"]:
        f.make_organization(name)
    f.make_organization("Ausländerbeirat", is_advisory_council=True)
    f.make_topic("Bildung")
    f.make_topic("Wohnen")
    officer, head, clerk = f.officer(), f.head(), f.clerk()
    assert create_history(officer=officer, head=head, clerk=clerk) == 60
    assert create_history(officer=officer, head=head, clerk=clerk) == 0
    today = timezone.localdate()
    report = build_report(ReportFilter(start=today - timedelta(days=366), end=today))
    counts = report.counts
    assert counts["all"] == 60
    for key in [
        "followed",
        "partly",
        "not_followed",
        "on_time",
        "late",
        "not_affected",
        "beirat_on_time",
        "beirat_late",
        "votes_given",
    ]:
        assert counts[key] > 0, key
    assert sum(1 for _month, n in report.per_month if n) >= 12
    assert {step.key: step.count for step in report.steps}["step_receipt"] > 0
    assert not Review.objects.open().filter(paper__reference__startswith="V7").exists()
    statuses = {key: n for key, _label, n in report.follow_ups}
    assert statuses["ueberfaellig"] == 1 and statuses["done"] == 1
    # ... also in the report page's default period, where `make run`'s user first looks.
    default = build_report(ReportFilter(*default_period()))
    statuses = {key: n for key, _label, n in default.follow_ups}
    assert statuses["ueberfaellig"] == 1 and statuses["done"] == 1
