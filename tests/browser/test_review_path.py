"""The whole path in Chromium: the officer triages and drafts, the Beauftragte assigns and
approves, the documents are generated and mailed, the clerk confirms receipt, the officer records
the committee's decision. Every page is screenshot and checked with axe-core."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse

from review.models import Review, User
from tests import factories as f

from .conftest import axe_violations, requires_chromium, screenshot, sign_in

pytestmark = [
    pytest.mark.browser,
    requires_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def in_process_tasks() -> Iterator[None]:
    """Documents and mails are rendered in the live server's thread, in both test modes."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = previous


class Walk:
    """Clicks through pages as one person after another; checks and photographs every page."""

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
        screenshot(self.page, f"path-{self.step:02d}-{name}")

    def log_in(self, user: User) -> None:
        sign_in(self.page, self.base, user.username)

    def nav(self, label: str) -> None:
        self.page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
            "link", name=label, exact=True
        ).click()


def test_a_paper_goes_from_triage_to_decision_through_the_pages(
    live_server, browser_context
) -> None:
    from workflows.flows import start_for_review

    officer = f.officer(username="anna", first_name="Anna", last_name="Amsel")
    head = f.head(username="chefin", first_name="Clara", last_name="Chef")
    social = f.make_organization("Ausschuss für Soziales", email="soziales@example.org")
    clerk = f.clerk(username="gremien")
    clerk.organizations.add(social)
    paper = f.make_paper("Sprachkurse für Geflüchtete", reference="V100/26")
    f.make_consultation(paper, f.make_meeting(social), organization=social, role="Vorberatung")
    review = f.make_review(paper, deadline=f.in_days(20))
    start_for_review(review)

    walk = Walk(browser_context.new_page(), live_server.url)
    page = walk.page

    # The officer takes the paper from the team queue and triages it as relevant.
    walk.log_in(officer)
    walk.check("sachbearbeitung-start")
    walk.nav("Team")
    walk.check("sachbearbeitung-team")
    page.get_by_role("button", name="Übernehmen").click()
    walk.check("sachbearbeitung-sichtung")
    page.get_by_label("Betroffen – Stellungnahme erarbeiten").check()
    page.get_by_role("button", name="Sichtung abschließen").click()
    walk.check("sachbearbeitung-nach-sichtung")

    # The Beauftragte assigns it to the officer.
    walk.log_in(head)
    walk.check("beauftragte-start")
    walk.nav("Team")
    page.get_by_role("button", name="Übernehmen").click()
    walk.check("beauftragte-zuweisung")
    page.get_by_label("Sachbearbeitung").select_option(label="Anna Amsel")
    page.get_by_role("button", name="Zuweisen").click()

    # The officer drafts the statement and submits it for approval.
    walk.log_in(officer)
    walk.nav("Meine Aufgaben")
    walk.check("sachbearbeitung-aufgaben")
    page.get_by_role("link", name="Bearbeiten").click()
    walk.check("sachbearbeitung-entwurf")
    page.get_by_label("Sachverhalt").fill("Die Stadt will die Sprachkurse ausweiten.")
    page.get_by_label("Bewertung").fill("Geflüchtete Eltern brauchen Kinderbetreuung.")
    page.get_by_label("Empfehlung/Votum").select_option("approve_with_changes")
    page.get_by_role("button", name="Zur Schlusszeichnung vorlegen").click()
    walk.check("sachbearbeitung-vorgelegt")

    # The Beauftragte approves; the documents are generated and mailed to the clerk.
    walk.log_in(head)
    walk.nav("Meine Aufgaben")
    if page.get_by_role("link", name="Bearbeiten").count() == 0:
        walk.nav("Team")
        page.get_by_role("button", name="Übernehmen").click()
    else:
        page.get_by_role("link", name="Bearbeiten").click()
    walk.check("beauftragte-schlusszeichnung")
    # The approval page (#15): the document as it goes out is on the page; one button per action.
    assert page.get_by_test_id("document-preview").is_visible()
    page.get_by_role("button", name="Freigeben", exact=True).click()
    walk.check("beauftragte-nach-freigabe")
    assert page.get_by_test_id("approvals-empty").is_visible()
    review.refresh_from_db()
    assert review.status in {Review.Status.APPROVED, Review.Status.DISPATCHED}

    page.goto(f"{live_server.url}{reverse('workflows:review_detail', args=[review.pk])}")
    walk.check("beauftragte-vorgang")
    html = page.content()
    for sentence in (
        "Vorlage gesichtet: relevant",
        "Vorgang zugewiesen",
        "Stellungnahme zur Schlusszeichnung vorgelegt",
        "Stellungnahme schlussgezeichnet",
    ):
        assert sentence in html, sentence

    # The clerk sees the released statement and confirms receipt.
    walk.log_in(clerk)
    walk.check("gremienbetreuung-start")
    assert "V100/26" in page.content()
    page.get_by_role("button", name="Eingang bestätigen").first.click()
    page.get_by_test_id("receipt-confirmed").first.wait_for()
    walk.check("gremienbetreuung-bestaetigt")

    # The officer records the committee's decision; the case closes with its whole trace.
    walk.log_in(officer)
    page.goto(f"{live_server.url}{reverse('workflows:review_detail', args=[review.pk])}")
    walk.check("sachbearbeitung-vorgang-versandt")
    assert "Empfang bestätigt" in page.content()
    page.get_by_role("link", name="Beschluss erfassen").click()
    if page.get_by_role("button", name="Übernehmen").count():
        page.get_by_role("button", name="Übernehmen").first.click()
    walk.check("sachbearbeitung-beschluss")
    page.get_by_label("Beschluss des Gremiums").fill("mit Änderungen beschlossen")
    page.get_by_label("Empfehlung gefolgt", exact=True).check()
    page.get_by_role("button", name="Beschluss speichern und Vorgang abschließen").click()
    page.goto(f"{live_server.url}{reverse('workflows:review_detail', args=[review.pk])}")
    walk.check("sachbearbeitung-vorgang-abgeschlossen")
    review.refresh_from_db()
    assert review.status == Review.Status.CLOSED
    assert review.outcome == Review.Outcome.FOLLOWED
    assert "Beschluss erfasst, Vorgang abgeschlossen" in page.content()
    assert not walk.problems, "\n".join(walk.problems)
