"""Drafting safeguards: bounded part lengths and diffs, and two windows on one statement."""

from __future__ import annotations

import time

import pytest

from review.models import StatementVersion
from review.statements import services as statements
from review.statements.diff import diff_versions
from tests import factories as f
from workflows.flows import ReviewFlow

from .conftest import DRAFT, client_for, open_task, task_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def drafting(office, review):
    officer, head = client_for(office.officer), client_for(office.head)
    officer.post(task_url(open_task(review, ReviewFlow.triage)), {"decision": "relevant"})
    head.post(task_url(open_task(review, ReviewFlow.assign)), {"assignee": office.officer.pk})
    return open_task(review, ReviewFlow.draft)


def _autosave(client, task, data):
    return client.post(f"/aufgaben/{task.pk}/zwischenspeichern/", data, HTTP_HX_REQUEST="true")


def test_a_part_over_the_limit_is_refused_by_the_form_and_the_service(office, review, drafting):
    long = {**DRAFT, "assessment": "x" * (statements.PART_MAX_CHARS + 1)}
    response = _autosave(client_for(office.officer), drafting, long)
    assert response.status_code == 422
    assert not StatementVersion.objects.exists()
    with pytest.raises(statements.StatementError) as refused:
        statements.save_statement_draft(
            review=review,
            by=office.officer,
            facts="x" * (statements.PART_MAX_CHARS + 1),
            assessment="",
            recommendation="",
            recommendation_text="",
            proposals=[],
        )
    assert str(refused.value) == str(statements.PART_TOO_LONG)


def test_a_huge_diff_says_it_is_too_large_instead_of_tying_up_the_worker(office, review):
    # Two versions of 1.5 MB of repetitive text each, the worst case for difflib.
    old = f.make_statement_version(review, office.officer, facts="a b " * 200_000)
    new = f.make_statement_version(review, office.officer, facts="b a " * 200_000)
    started = time.monotonic()
    parts = diff_versions(old, new)
    assert time.monotonic() - started < 5
    assert "Zu groß zum Vergleichen" in str(parts[0].html)


def test_a_long_text_with_a_small_edit_is_still_compared_word_by_word(office, review):
    text = " ".join(f"Wort{i}" for i in range(5_000))
    old = f.make_statement_version(review, office.officer, facts=text)
    edited = text.replace("Wort2500 ", "Wort2500 Kinderbetreuung ")
    new = f.make_statement_version(review, office.officer, facts=edited)
    html = str(diff_versions(old, new)[0].html)
    assert "<ins>Kinderbetreuung</ins>" in html
    assert html.startswith("Wort0 Wort1") and html.endswith("Wort4999")


def test_a_second_window_saving_on_an_old_version_is_warned_not_overwriting(
    office, review, drafting
):
    first_window = second_window = client_for(office.officer)
    # Both windows opened the editor on version 1.
    first = _autosave(first_window, drafting, DRAFT)
    assert first.status_code == 200
    assert 'name="based_on"' in first.content.decode() and 'value="1"' in first.content.decode()
    mine = {**DRAFT, "based_on": "1", "assessment": "Aus dem ersten Fenster."}
    saved = _autosave(first_window, drafting, mine)
    assert saved.status_code == 200 and 'value="2"' in saved.content.decode()
    theirs = {**DRAFT, "based_on": "1", "assessment": "Aus dem zweiten Fenster."}
    conflict = _autosave(second_window, drafting, theirs)
    assert conflict.status_code == 409
    page = conflict.content.decode()
    assert "Fassung 2" in page and "Inzwischen" in page and 'role="alert"' in page
    latest = StatementVersion.objects.order_by("-number").first()
    assert latest is not None and latest.assessment == "Aus dem ersten Fenster."
    # The first window goes on saving on top of its own version.
    again = _autosave(first_window, drafting, {**mine, "based_on": "2", "facts": "Neu."})
    assert again.status_code == 200 and 'value="3"' in again.content.decode()


def test_the_editor_carries_the_version_it_was_loaded_with(office, review, drafting):
    client = client_for(office.officer)
    _autosave(client, drafting, DRAFT)
    page = client.get(task_url(drafting)).content.decode()
    assert '<input type="hidden" name="based_on" value="1" id="id_based_on">' in page


def test_an_autosave_of_changed_text_stays_within_its_statements(
    office, review, drafting, django_assert_max_num_queries
):
    client = client_for(office.officer)
    _autosave(client, drafting, DRAFT)
    # 20 with the savepoints: the person, the task, the locked case with its paper, the statement
    # and its newest version (changed text: its proposals are not read); the version and its
    # proposals, the case's search entry updated in place with its terms, the audit event.
    with django_assert_max_num_queries(20):
        response = _autosave(client, drafting, {**DRAFT, "facts": "Neu gefasst."})
    assert response.status_code == 200
    version = StatementVersion.objects.get(number=2)
    assert version.facts == "Neu gefasst."
    assert version.change_proposals.count() == 1
