"""The Beauftragte's desk in Chromium (#15.3): she assigns from the list with everyone's workload,
then approves with the document in view, after her own send-back. Screenshots and axe-core on
each screen."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from review.models import Review, User
from tests import factories as f
from tests.workflows.conftest import DRAFT, client_for, open_task, submit_url, task_url
from workflows.flows import ReviewFlow, start_for_review

from .conftest import axe_violations, requires_chromium, screenshot, sign_in

pytestmark = [
    pytest.mark.browser,
    requires_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def in_process_tasks() -> Iterator[None]:
    """Documents are rendered in the live server's thread after the release."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = previous


def _nav(page: Any, label: str) -> None:
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name=label, exact=True
    ).click()
    page.wait_for_load_state()


def _waiting_for_assignment(officer: User, reference: str, days: int) -> Review:
    review = f.make_review(
        f.make_paper(f"Sprachkurse {reference}", reference=reference), deadline=f.in_days(days)
    )
    start_for_review(review)
    client_for(officer).post(
        task_url(open_task(review, ReviewFlow.triage)), {"decision": "relevant"}
    )
    return review


def _checked(page: Any, name: str, problems: list[str]) -> None:
    page.wait_for_load_state()
    violations = axe_violations(page)
    if violations:
        problems.append(f"{name} ({page.url}): {violations}")
    screenshot(page, f"desk-{name}")


def test_the_beauftragte_assigns_from_the_picker_and_approves_with_the_document_in_view(
    live_server, browser_context
) -> None:
    anna = f.officer(username="anna", first_name="Anna", last_name="Amsel")
    bert = f.officer(username="bert", first_name="Bert", last_name="Berg")
    head = f.head(username="chefin", first_name="Clara", last_name="Chef")
    for days in (4, 9):  # anna is busy; bert has no case yet
        f.make_review(assignee=anna, status=Review.Status.DRAFTING, deadline=f.in_days(days))
    first = _waiting_for_assignment(anna, "V200/26", 12)
    second = _waiting_for_assignment(anna, "V201/26", 30)
    page = browser_context.new_page()
    problems: list[str] = []

    # Assignment: the picker shows the workload and suggests bert, who has room.
    sign_in(page, live_server.url, head.username)
    _nav(page, "Zuweisung")
    _checked(page, "zuweisung", problems)
    workload = page.get_by_test_id("workload").inner_text()
    assert "Anna Amsel\t2\t" in workload and "Bert Berg\t0\t" in workload
    picker = page.locator(f"#an-{open_task(first, ReviewFlow.assign).pk}")
    assert picker.evaluate("select => select.selectedOptions[0].text").strip() == (
        "Bert Berg – 0 offene Vorgänge"
    )
    assert "Anna Amsel – 2 offene Vorgänge, nächste Frist" in picker.inner_text()
    page.get_by_role("button", name="Zuweisen V200/26").click()
    page.wait_for_load_state()
    # The next waiting case is in focus.
    assert page.evaluate("document.activeElement.id") == (
        f"an-{open_task(second, ReviewFlow.assign).pk}"
    )
    _checked(page, "zuweisung-nach-zuweisung", problems)
    first.refresh_from_db()
    assert first.assignee == bert and first.status == Review.Status.ASSIGNED

    # bert drafts and submits; she sends it back with a reason; he edits and resubmits.
    client_for(bert).post(submit_url(open_task(first, ReviewFlow.draft)), DRAFT)
    client_for(head).post(
        f"/aufgaben/{open_task(first, ReviewFlow.approve).pk}/zurueckgeben/",
        {"reason": "Bitte die Kinderbetreuung begründen."},
    )
    edited = {**DRAFT, "recommendation_text": "Mit Kinderbetreuung, sonst fehlen die Eltern."}
    first.refresh_from_db()
    version = first.statement.current_version
    assert version is not None
    client_for(bert).post(
        submit_url(open_task(first, ReviewFlow.draft)),
        {**edited, "based_on": str(version.number)},
    )

    # Approval: the document as it goes out, her earlier reason and exactly the edit.
    _nav(page, "Schlusszeichnung")
    assert page.url.endswith(task_url(open_task(first, ReviewFlow.approve)))
    preview = page.get_by_test_id("document-preview")
    assert preview.is_visible()
    assert "Stellungnahme zur Vorlage Nr. V200/26" in preview.inner_text()
    assert "Mit Kinderbetreuung, sonst fehlen die Eltern." in preview.inner_text()
    reason = page.get_by_test_id("earlier-reason").inner_text()
    assert "Bitte die Kinderbetreuung begründen." in reason
    changes = page.get_by_test_id("changes")
    assert changes.locator("ins").all_inner_texts() == ["Kinderbetreuung, sonst fehlen die Eltern."]
    assert changes.locator("del").all_inner_texts() == ["Kinderbetreuung."]
    _checked(page, "schlusszeichnung", problems)
    page.get_by_test_id("document-preview").scroll_into_view_if_needed()
    screenshot(page, "desk-schlusszeichnung-dokument")

    page.get_by_role("button", name="Freigeben", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_test_id("approvals-empty").is_visible()
    assert page.evaluate("document.activeElement.tagName") == "H1"
    _checked(page, "schlusszeichnung-nichts-mehr", problems)
    first.refresh_from_db()
    assert first.status in {Review.Status.APPROVED, Review.Status.DISPATCHED}
    assert not problems, "\n".join(problems)
