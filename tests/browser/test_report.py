"""The report's charts and tables pass axe-core in Chromium, on a desktop and on a phone."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from review.models import Review
from tests import factories as f

from .conftest import PHONE, axe_violations, requires_chromium, screenshot, sign_in

pytestmark = [
    pytest.mark.browser,
    requires_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _cases() -> None:
    drafter = f.officer()
    committee = f.make_organization("Ausschuss für Soziales")
    for index, (topic, outcome) in enumerate(
        [
            ("Bildung", "followed"),
            ("Bildung", "partly"),
            ("Wohnen", "not_followed"),
            ("Arbeit", "followed"),
        ]
    ):
        paper = f.make_paper(f"Vorlage {index}", reference=f"V{index}/26")
        f.make_consultation(paper, f.make_meeting(committee), organization=committee)
        review = f.make_review(
            paper,
            status=Review.Status.CLOSED,
            closed_at=timezone.now(),
            outcome=outcome,
            decision_result="beschlossen",
        )
        review.topics.add(f.make_topic(topic))
        f.make_statement_version(review, drafter)
    f.make_review(f.make_paper("Neue Vorlage")).topics.add(f.make_topic("Bildung"))


def test_the_report_passes_axe_and_fits_a_phone(live_server, browser_context) -> None:
    _cases()
    head = f.head()
    page = browser_context.new_page()
    sign_in(page, live_server.url, head.username)
    problems = []
    for name, url in {
        "bericht": reverse("reports:report"),
        "bericht-beirat": reverse("reports:beirat"),
        "bericht-vorgaenge": reverse("reports:cases") + "?kennzahl=followed",
    }.items():
        response = page.goto(f"{live_server.url}{url}")
        assert response is not None and response.status == 200, url
        violations = axe_violations(page)
        if violations:
            problems.append(f"{name}: {violations}")
        screenshot(page, f"beauftragte-{name}")
        page.set_viewport_size(PHONE)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            problems.append(f"{name}: {width}px wide on a phone")
        page.set_viewport_size({"width": 1280, "height": 900})
    assert problems == []
    page.goto(f"{live_server.url}{reverse('reports:report')}")
    chart = page.get_by_role("img", name="Umsetzungsquote nach Handlungsfeld")
    assert chart.count() == 1
    table = page.get_by_role("table", name="Daten der Grafik „Umsetzungsquote nach Handlungsfeld“")
    assert "Bildung" in table.inner_text()
