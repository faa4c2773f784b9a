"""Triage of 30 demo-like papers by keyboard on the worklist, in Chromium (#15, deliverable 8).

Prints keys, clicks, requests and time per decision; asserts one request per decision and no
full page load. The server time per decision is reported and only held to a generous bound
here (the target, 150 ms on the 2-core machine, is for docs/performance.md: the test machine
is shared). Screenshots in test-artifacts/screenshots/, axe-core on every state of the screen.
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from review.models import Review
from tests import factories as f
from workflows.flows import start_for_review, status_and_flow_agree

from .conftest import axe_violations, requires_chromium, screenshot, sign_in

pytestmark = [
    pytest.mark.browser,
    requires_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PAPERS = 30
# Generous: the machine runs eight test suites at once; the target is 150 ms (see docstring).
SERVER_MS_BOUND = 2000
TITLES = [
    "Sprachkurse für Geflüchtete",
    "Sanierung der Grundschule Nord",
    "Integrationskonzept 2027",
    "Radweg an der Hauptstraße",
    "Kitaplätze im Stadtteil West",
    "Haushaltssatzung, Nachtrag",
]
REASONS = [
    ["Stichwort: Geflüchtete", "Beratung im Ausländerbeirat"],
    ["Stichwort: Schule"],
    ["Stichwort: Integration", "Stichwort: Migration"],
    [],
    ["Stichwort: Kita"],
    ["Beratung im Ausschuss für Soziales"],
]


def _papers() -> list[Review]:
    today = timezone.localdate()
    social = f.make_organization("Ausschuss für Soziales")
    council = f.make_organization("Rat der Stadt")
    reviews = []
    for n in range(PAPERS):
        paper = f.make_paper(
            f"{TITLES[n % len(TITLES)]} ({n + 1})",
            reference=f"V{300 + n}/26",
            paper_type="Beschlussvorlage" if n % 4 else "Mitteilungsvorlage",
        )
        f.make_file(paper, f"Vorlage V{300 + n}.pdf", is_main_file=True, size=120_000 + n)
        f.make_file(paper, "Anlage 1.pdf")
        meeting_day = timezone.now() + timedelta(days=7 + n % 10)
        f.make_consultation(paper, f.make_meeting(social, start=meeting_day), organization=social)
        f.make_consultation(
            paper,
            f.make_meeting(council, start=meeting_day + timedelta(days=14)),
            organization=council,
            role="Entscheidung",
            authoritative=True,
        )
        review = f.make_review(
            paper,
            deadline=today + timedelta(days=3 + n),
            relevance_score=(35, 55, 75, 95)[n % 4],
            relevance_reasons=REASONS[n % len(REASONS)],
            decision_result="beschlossen" if n % 10 == 9 else "",
        )
        start_for_review(review)
        reviews.append(review)
    return reviews


def test_thirty_papers_are_triaged_by_keyboard_one_request_each(
    live_server, browser_context
) -> None:
    reviews = _papers()
    officer = f.officer(username="sachbearbeitung")
    page = browser_context.new_page()
    sign_in(page, live_server.url, officer.username)
    page.goto(f"{live_server.url}{reverse('workflows:worklist')}")
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("worklist-row").count() == PAPERS
    assert "Bereits entschieden: beschlossen" in page.get_by_test_id("worklist").inner_text()
    problems = [f"worklist: {v}" for v in axe_violations(page)]
    screenshot(page, "worklist-01-start")

    requests: list[Any] = []
    page.on("request", lambda request: requests.append(request))
    loads: list[str] = []

    def loaded(frame: Any) -> None:
        if frame == page.main_frame:
            loads.append(frame.url)

    page.on("framenavigated", loaded)
    # The first open row has the focus when the page opens: the keys work at once.
    assert page.evaluate("document.activeElement.dataset.review") == str(reviews[0].pk)

    keys = 0
    clicks = 0
    wall_ms: list[float] = []
    for n in range(PAPERS):
        started = time.perf_counter()
        if n % 3 == 0:
            page.keyboard.press("n")
            page.keyboard.type("Kein Bezug zur Integration")
            page.keyboard.press("Enter")
            keys += 2 + len("Kein Bezug zur Integration")
        else:
            page.keyboard.press("b")
            keys += 1
        page.wait_for_function(
            "n => document.querySelectorAll('[data-testid=worklist-row-decided]').length === n",
            arg=n + 1,
        )
        wall_ms.append((time.perf_counter() - started) * 1000)
        if n < PAPERS - 1:
            # After a decision the next paper has the focus, and its preview is beside the list.
            page.wait_for_function(
                "pk => document.activeElement && document.activeElement.dataset.review === pk",
                arg=str(reviews[n + 1].pk),
            )
            assert (
                reviews[n + 1].paper.reference
                in page.get_by_test_id("worklist-preview").inner_text()
            )
        if n == 4:
            problems += [f"worklist after decisions: {v}" for v in axe_violations(page)]
            screenshot(page, "worklist-02-deciding-with-preview")
    screenshot(page, "worklist-03-all-decided")

    posts = [r for r in requests if r.method == "POST"]
    other = [r for r in requests if r.method != "POST"]
    server_ms = []
    for request in posts:
        timing = request.timing
        server_ms.append(timing["responseStart"] - timing["requestStart"])
    print(
        f"\nworklist keyboard triage of {PAPERS} papers: {keys} keys, {clicks} clicks, "
        f"{len(posts)} requests ({len(posts) / PAPERS:.1f} per decision), "
        f"{len(other)} other requests, {len(loads)} page loads; "
        f"time per decision (key to decided row): median {statistics.median(wall_ms):.0f} ms, "
        f"max {max(wall_ms):.0f} ms; server time per decision: median "
        f"{statistics.median(server_ms):.0f} ms, max {max(server_ms):.0f} ms "
        f"(load average {os.getloadavg()[0]:.1f})"
    )
    assert len(posts) == PAPERS and other == [], [r.url for r in other]
    assert loads == []
    assert statistics.median(server_ms) <= SERVER_MS_BOUND
    assert not problems, "\n".join(problems)

    statuses = [Review.objects.get(pk=review.pk) for review in reviews]
    assert [r.status for r in statuses] == [
        Review.Status.NOT_AFFECTED if n % 3 == 0 else Review.Status.AWAITING_ASSIGNMENT
        for n in range(PAPERS)
    ]
    assert all(status_and_flow_agree(review) for review in statuses)
    assert statuses[0].close_reason == "Kein Bezug zur Integration"


def test_several_papers_at_once_and_the_preview_by_key(live_server, browser_context) -> None:
    reviews = _papers()
    head = f.head(username="beauftragte")
    page = browser_context.new_page()
    sign_in(page, live_server.url, head.username)
    page.goto(f"{live_server.url}{reverse('workflows:worklist')}")
    page.wait_for_load_state("networkidle")
    page.keyboard.press("v")
    page.wait_for_function(
        "ref => document.querySelector('[data-testid=worklist-preview]').innerText.includes(ref)",
        arg=reviews[0].paper.reference,
    )
    preview = page.get_by_test_id("worklist-preview").inner_text()
    assert "Vorlage V300.pdf" in preview and "Anlage 1.pdf" not in preview, preview
    for _ in range(3):
        page.keyboard.press("x")
        page.keyboard.press("j")
    page.get_by_label("Eine Begründung für alle ausgewählten Vorlagen").fill("Nur Verkehrsplanung")
    problems = [f"worklist bulk: {v}" for v in axe_violations(page)]
    screenshot(page, "worklist-04-bulk-and-preview")
    page.get_by_role("button", name="Ausgewählte: keine Betroffenheit").click()
    page.wait_for_function(
        "document.querySelector('[data-testid=worklist-count]').innerText.startsWith('27 ')"
    )
    assert "3 Vorlagen gesichtet." in page.get_by_test_id("worklist-messages").inner_text()
    # The Beauftragte may assign directly in the row.
    first_open = page.get_by_test_id("worklist-row").first
    first_open.get_by_label("direkt zuweisen an").select_option(
        label=head.get_full_name() or head.username
    )
    first_open.get_by_role("button", name="Betroffen", exact=True).click()
    page.wait_for_selector("[data-testid=worklist-row-decided]")
    assert "Zugewiesen" in page.get_by_test_id("worklist-row-decided").inner_text()
    screenshot(page, "worklist-05-assigned-in-the-row")
    problems += [f"worklist assigned: {v}" for v in axe_violations(page)]
    assert not problems, "\n".join(problems)
    closed = Review.objects.filter(close_reason="Nur Verkehrsplanung")
    assert sorted(r.paper.reference for r in closed) == ["V300/26", "V301/26", "V302/26"]
    assigned = Review.objects.get(paper__reference="V303/26")
    assert assigned.status == Review.Status.ASSIGNED and assigned.assignee == head
