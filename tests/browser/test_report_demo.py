"""`make run`'s demo as a new user tries it: the Beauftragte opens the situation report (a year of
history in every outcome), watches the Word report being generated without reloading, reads it,
and opens a follow-up on a decided case; a colleague signs in and closes it; the list shows it
closed. Every page is photographed and checked with axe-core."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document as WordDocument

from review.demo.users import DEMO_PASSWORD
from review.models import FollowUp, ReportDocument, Review, User
from review.reports import generation, tasks

from .conftest import axe_violations, requires_chromium, screenshot, sign_in

pytestmark = [
    pytest.mark.browser,
    requires_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TASK = "Mehrsprachige Aushänge in allen Bürgerbüros anbringen."
NOTE = "Seit dem 1. des Monats in sechs Sprachen ausgehängt."


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The report task is kept, not run: the test plays the worker, so the page's progress can be
    watched while it works."""
    ids: list[int] = []
    monkeypatch.setattr(tasks.generate_report, "delay", ids.append)
    yield ids


class Walk:
    def __init__(self, page: Any, base: str) -> None:
        self.page = page
        self.base = base
        self.step = 0
        self.problems: list[str] = []

    def check(self, name: str) -> None:
        self.step += 1
        self.page.wait_for_load_state()
        violations = axe_violations(self.page)
        if violations:
            self.problems.append(f"{name} ({self.page.url}): {violations}")
        screenshot(self.page, f"demo-report-{self.step:02d}-{name}")

    def log_in(self, username: str) -> None:
        sign_in(self.page, self.base, username, DEMO_PASSWORD)

    def nav(self, label: str) -> None:
        self.page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
            "link", name=label, exact=True
        ).click()
        self.page.wait_for_load_state()


def _table(page: Any, testid: str) -> list[list[str]]:
    rows = page.locator(f"[data-testid='{testid}'] table tbody tr")
    return [
        [cell.strip() for cell in rows.nth(i).locator("th, td").all_inner_texts()]
        for i in range(rows.count())
    ]


def test_the_demo_report_and_a_follow_up_closed_by_a_colleague(
    demo: None, queued: list[int], live_server: Any, browser_context: Any, tmp_path: Path
) -> None:
    walk = Walk(browser_context.new_page(), live_server.url)
    page = walk.page

    # The Beauftragte opens the report: a year of cases, in every outcome.
    walk.log_in("beauftragte")
    walk.nav("Bericht")
    walk.check("bericht")
    months = _table(page, "chart-months")
    assert len(months) >= 12
    assert sum(1 for row in months if int(row[-1]) > 0) >= 12, months
    follow = _table(page, "chart-follow")
    assert follow, "no decided cases in the demo's history"
    totals = [sum(int(row[i]) for row in follow) for i in (1, 2, 3)]
    assert all(n > 0 for n in totals), totals  # followed, partly and not followed
    screened = int(page.locator("[data-figure='all']").inner_text())
    assert screened >= 60
    # The history's follow-ups (one overdue, one implemented) are within the period.
    follow_ups = page.get_by_test_id("report-follow-ups")
    assert follow_ups.locator("[data-follow-ups='ueberfaellig']").inner_text() == "1"
    assert follow_ups.locator("[data-follow-ups='done']").inner_text() == "1"

    # She generates the Word report and watches its progress without reloading.
    page.get_by_role("button", name="Als Word, PDF/A und Tabelle erstellen").click()
    page.wait_for_load_state()
    [version_id] = queued
    row = page.locator(f"#report-document-{version_id}")
    assert "0 %" in row.inner_text()
    walk.check("bericht-wartet")
    generation.produce_report(report_document_id=version_id)  # the worker
    word = row.get_by_role("link", name="Word")
    word.wait_for(timeout=20_000)  # htmx asked again and swapped the row in
    assert ReportDocument.objects.get(pk=version_id).status == ReportDocument.Status.READY
    walk.check("bericht-fertig")
    with page.expect_download() as download_info:
        word.click()
    path = tmp_path / "bericht.docx"
    download_info.value.save_as(path)
    document = WordDocument(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"Im Berichtszeitraum wurden {screened} Vorlagen zur Prüfung vorgeschlagen" in text
    assert re.search(r"\d+ von \d+ Stellungnahmen lagen dem Gremium vor seiner Sitzung vor", text)
    assert re.search(r"Von \d+ Beschlüssen folgten \d+ der Empfehlung des Büros", text)
    assert len(document.tables) == 5
    assert [c.text for c in document.tables[0].rows[0].cells] == ["Kennzahl", "Anzahl"]
    assert len(document.tables[2].rows) >= 2  # a committee's follow rate
    assert len(document.inline_shapes) == 3  # the charts

    # She opens a follow-up on a decided case and asks a colleague.
    decided = (
        Review.objects.filter(outcome="followed", follow_ups__isnull=True)
        .select_related("paper")
        .order_by("-created_at")
        .first()
    )
    assert decided is not None
    colleague = User.objects.get(username="sachbearbeitung2")
    # The case page keeps the decision in its own section; a link to the section opens it.
    page.goto(
        f"{live_server.url}{reverse('workflows:review_detail', args=[decided.pk])}#teil-decision"
    )
    page.get_by_role("link", name="Umsetzungskontrolle zu diesem Beschluss anlegen").click()
    walk.check("umsetzungskontrolle-anlegen")
    page.get_by_label("Was zu tun ist").fill(TASK)
    due = timezone.localdate().replace(day=1).replace(year=timezone.localdate().year + 1)
    page.get_by_label("Fällig bis").fill(due.isoformat())
    page.get_by_label("Angefragt").select_option(str(colleague.pk))
    page.get_by_role("button", name="Umsetzungskontrolle anlegen").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("follow-up-status").inner_text().startswith("offen")
    walk.check("umsetzungskontrolle-offen")
    follow_up = FollowUp.objects.get(task=TASK)
    assert (follow_up.review_id, follow_up.assignee) == (decided.pk, colleague)

    # The colleague signs in, finds it among her follow-ups and closes it.
    walk.log_in("sachbearbeitung2")
    page.goto(f"{live_server.url}{reverse('followups:list')}")
    walk.check("kollegin-liste")
    page.get_by_role("link", name=TASK).click()
    page.get_by_label("Status").select_option(label="umgesetzt")
    page.get_by_label("Notiz").fill(NOTE)
    page.get_by_role("button", name="Status speichern").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("follow-up-status").inner_text().startswith("umgesetzt")
    assert page.get_by_test_id("follow-up-note").inner_text() == NOTE
    walk.check("kollegin-umgesetzt")

    # The Beauftragte's list shows it closed.
    walk.log_in("beauftragte")
    walk.nav("Beschlusskontrolle")
    walk.check("beschlusskontrolle")
    listed = page.get_by_test_id("follow-up").filter(has_text=TASK)
    assert listed.count() == 1
    assert "umgesetzt" in listed.inner_text()
    page.get_by_role("link", name="umgesetzt", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_test_id("follow-up").filter(has_text=TASK).count() == 1
    walk.check("beschlusskontrolle-umgesetzt")
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUp.Status.DONE and follow_up.closed_at is not None

    assert walk.problems == []
