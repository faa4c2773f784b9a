"""The case page on a laptop (1366×768): the essentials on the first screen, everything else in
sections that open. Measured in Chromium; the figures are printed and kept in docs/case-page.md."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from review.models import Review
from tests import factories as f

from .conftest import axe_violations, requires_chromium, screenshot, sign_in

pytestmark = [
    pytest.mark.browser,
    requires_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LAPTOP: Any = {"width": 1366, "height": 768}
ESSENTIALS = [
    "essential-status",
    "essential-deadline",
    "essential-assignee",
    "essential-next-step",
    "essential-statement",
    "essential-decision",
    "essential-receipts",
]


def _busy_case() -> Review:
    """A case as it looks late in its life: long texts, many versions, files, dispatches and a
    long history (the kind that was 5,000–6,000 px tall)."""
    drafter = f.officer(first_name="Dana", last_name="Drafter")
    social = f.make_organization("Ausschuss für Soziales und Integration", short_name="SIA")
    clerk = f.clerk(first_name="Clara", last_name="Clerk")
    clerk.organizations.add(social)
    paper = f.make_paper(
        "Ausbau der Sprachkurse für Geflüchtete in den Stadtteilzentren", reference="V300/26"
    )
    paper.under_direction_of.add(f.make_organization("Amt für Integration"))
    for n in range(8):
        f.make_file(paper, f"Anlage {n}.pdf")
    for n in range(6):
        committee = social if n == 0 else f.make_organization(f"Gremium {n}")
        f.make_consultation(paper, f.make_meeting(committee), organization=committee)
    review = f.make_review(
        paper,
        status=Review.Status.DISPATCHED,
        assignee=drafter,
        deadline=timezone.localdate() + timedelta(days=4),
        relevance_score=85,
        relevance_reasons=[f"Stichwort {n}" for n in range(6)],
        decision_result="Beschlossen mit Änderungen",
        decided_at=timezone.now(),
    )
    long_text = "Die Stadt baut die Sprachkurse aus. " * 60
    for _ in range(5):
        f.make_statement_version(review, drafter, facts=long_text, assessment=long_text)
    for n in range(25):
        f.record_event("statement.saved", review, drafter, version=n)
    dispatch = f.make_dispatch(review, clerk)
    dispatch.confirmed_at = timezone.now()
    dispatch.confirmed_by = clerk
    dispatch.save()
    return review


def test_the_essentials_fit_the_first_screen_of_a_laptop(live_server, browser_context) -> None:
    review = _busy_case()
    head = f.head()
    page = browser_context.new_page()
    page.set_viewport_size(LAPTOP)
    sign_in(page, live_server.url, head.username)
    page.goto(f"{live_server.url}{reverse('workflows:review_detail', args=[review.pk])}")

    bottoms = {
        testid: page.get_by_test_id(testid).bounding_box()["y"]
        + page.get_by_test_id(testid).bounding_box()["height"]
        for testid in ESSENTIALS
    }
    height = page.evaluate("document.documentElement.scrollHeight")
    print(
        f"\ncase page at 1366×768: essentials end at {max(bottoms.values()):.0f} px, "
        f"page {height} px with the sections closed"
    )
    screenshot(page, "case-page-laptop")
    assert max(bottoms.values()) <= LAPTOP["height"], bottoms
    assert height <= 2 * LAPTOP["height"], height

    essentials = page.get_by_test_id("case-essentials").inner_text()
    assert "Beschlossen mit Änderungen" in essentials
    assert "Fassung 5 von" in essentials
    assert "Dana Drafter" in essentials
    assert "bestätigt am" in essentials
    assert "Ausschuss für Soziales und Integration (SIA)" in essentials
    # The sections are closed; what they hold is a click away.
    assert not page.get_by_test_id("timeline").is_visible()
    assert axe_violations(page) == []

    page.get_by_text("Verlauf", exact=True).click()
    assert page.get_by_test_id("timeline").is_visible()
    page.get_by_role("link", name="Ganze Stellungnahme lesen").click()
    assert page.locator("#teil-statement").get_attribute("open") is not None
    # Similar cases are asked for only when their section is opened.
    similar = page.locator("#teil-similar .kern-accordion__body")
    assert similar.inner_text().strip() == ""
    page.get_by_text("Ähnliche frühere Vorgänge", exact=True).click()
    similar.locator(".similar-cases").wait_for()
    assert axe_violations(page) == []

    # The open sections are remembered for this case when the page is opened again.
    page.reload()
    assert page.locator("#teil-history").get_attribute("open") is not None
    assert page.locator("#teil-statement").get_attribute("open") is not None
    assert page.locator("#teil-paper").get_attribute("open") is None
