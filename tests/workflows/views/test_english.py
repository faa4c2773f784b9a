"""The officers' workflow pages in English once the language switch says so, German by default.

The status labels, the pagination and the four-eyes refusal come from shared code and have
tests of their own at the end.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from review.models import Review
from tests import factories as f
from tests.workflows.conftest import DRAFT, Office, client_for, open_task, submit_url, task_url
from workflows.flows import ReviewFlow

pytestmark = pytest.mark.django_db


def _english(client: Client) -> Client:
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    return client


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _assert_all(html: str, present: list[str], absent: list[str]) -> None:
    assert [text for text in present if text not in html] == []
    assert [text for text in absent if text in html] == []


@pytest.fixture
def case(office: Office, review: Review) -> Review:
    """The started review with a statement, a Beirat vote and a few timeline events."""
    f.make_statement_version(review, office.officer)
    f.make_beirat_vote(review, office.head)
    review.shared_with_beirat = True
    review.save(update_fields=["shared_with_beirat"])
    f.record_event("review.assigned", review, office.head, assignee=office.officer.username)
    f.record_event("statement.saved", review, office.officer, version=1)
    return review


def test_the_inbox_is_english_after_switching(office: Office) -> None:
    client = _english(f.logged_in_client(office.officer))
    html = _page(client, reverse("workflows:inbox"))
    assert '<html lang="en">' in html
    _assert_all(
        html,
        present=["My tasks", "Team queue", "The process as a diagram", "You have no open tasks."],
        absent=["Meine Aufgaben", "Team-Eingang", "Ablauf als Diagramm", "keine offenen Aufgaben"],
    )


def test_the_inbox_lists_an_own_task_in_english(office: Office, review: Review) -> None:
    client = _english(f.logged_in_client(office.officer))
    task = open_task(review, ReviewFlow.triage)
    claimed = client.post(reverse("workflows:claim", args=[task.pk]), follow=True)
    assert "Task claimed." in claimed.content.decode()
    html = _page(client, reverse("workflows:inbox"))
    _assert_all(
        html,
        present=["Tasks assigned to you, the most urgent first", "Triage", "Work on it", "due"],
        absent=["Ihnen zugewiesene Aufgaben", "Bearbeiten", "fällig", "Aufgabe übernommen"],
    )


def test_the_team_queue_is_english(office: Office, review: Review) -> None:
    client = _english(f.logged_in_client(office.officer))
    html = _page(client, reverse("workflows:team_queue"))
    _assert_all(
        html,
        present=["Team queue", "Unassigned tasks you can claim", "Claim", "Task", "Action"],
        absent=["Team-Eingang", "Übernehmen", "Nicht zugewiesene Aufgaben", "Aktion", "Sichtung"],
    )


def test_the_triage_page_is_english(office: Office, review: Review) -> None:
    client = _english(f.logged_in_client(office.officer))
    html = _page(client, task_url(open_task(review, ReviewFlow.triage)))
    _assert_all(
        html,
        present=[
            f"Triage: {review.paper.reference}",
            "Result of the triage",
            "Affected – prepare a statement",
            "Finish the triage",
            "Open the case with its timeline",
            "Deadline",
            "Committee sequence",
        ],
        absent=[
            "Ergebnis der Sichtung",
            "Sichtung abschließen",
            "Frist",
            "Beratungsfolge",
            "Fällig am",
            "noch nicht übernommen",
        ],
    )


def test_the_triage_form_errors_are_english(office: Office, review: Review) -> None:
    client = _english(f.logged_in_client(office.officer))
    url = task_url(open_task(review, ReviewFlow.triage))
    html = client.post(url, {"decision": "not_affected", "reason": ""}).content.decode()
    assert "Please give a short reason." in html
    assert "Bitte geben Sie eine kurze Begründung an." not in html


def test_the_case_list_is_english(office: Office, case: Review) -> None:
    client = _english(f.logged_in_client(office.officer))
    html = _page(client, reverse("workflows:review_list"))
    _assert_all(
        html,
        present=[
            "Cases",
            "1 case",
            "Filter",
            "Officer in charge",
            "Deadline",
            "Topics",
            "all open",
        ],
        # "In Bearbeitung" is a status choice (a model label): only the column must not be German.
        absent=[
            "Vorgänge",
            "Filtern",
            "Bearbeitung</a>",
            "Frist",
            "Handlungsfelder",
            "alle offenen",
        ],
    )


def test_the_case_page_is_english(office: Office, case: Review) -> None:
    client = _english(f.logged_in_client(office.officer))
    html = _page(client, reverse("workflows:review_detail", args=[case.pk]))
    _assert_all(
        html,
        present=[
            "All cases",
            "Deadline",
            "Next step",
            "Statement",
            "Vote of the Beirat",
            "History",
            "Case assigned",
            "Statement saved",
            "Documents",
            "No documents yet.",
            "Not sent yet.",
            "Paper no.",
            "Lead unit",
            "No attachments.",
        ],
        absent=[
            "Vorlagen-Nr.",
            "Federführung",
            "Keine Anlagen.",
            "Alle Vorgänge",
            "Frist",
            "Nächster Schritt",
            "Stellungnahme",
            "Votum des Beirats",
            "Verlauf",
            "Vorgang zugewiesen",
            "Noch keine Dokumente",
            "Noch nicht versandt",
        ],
    )


def test_the_case_page_follows_a_switch_of_language(office: Office, case: Review) -> None:
    client = f.logged_in_client(office.officer)
    url = reverse("workflows:review_detail", args=[case.pk])
    assert "Verlauf" in _page(client, url)
    html = _page(_english(client), url)
    assert "History" in html and "Verlauf" not in html


@pytest.mark.parametrize(
    ("name", "german"),
    [
        ("workflows:inbox", ["Meine Aufgaben", "Team-Eingang", "Ablauf als Diagramm"]),
        ("workflows:team_queue", ["Team-Eingang", "Nicht zugewiesene Aufgaben", "Übernehmen"]),
        ("workflows:review_list", ["Vorgänge", "Filtern", "Handlungsfelder", "Frist"]),
    ],
)
def test_the_lists_stay_german_by_default(
    office: Office, review: Review, name: str, german: list[str]
) -> None:
    html = _page(f.logged_in_client(office.officer), reverse(name))
    assert '<html lang="de">' in html
    _assert_all(html, present=german, absent=["My tasks", "Team queue", "Claim", "Topics"])


def test_the_task_and_case_pages_stay_german_by_default(office: Office, case: Review) -> None:
    client: Any = f.logged_in_client(office.officer)
    triage = _page(client, task_url(open_task(case, ReviewFlow.triage)))
    _assert_all(
        triage,
        present=["Sichtung: ", "Ergebnis der Sichtung", "Sichtung abschließen", "Frist"],
        absent=["Finish the triage", "Deadline"],
    )
    detail = _page(client, reverse("workflows:review_detail", args=[case.pk]))
    _assert_all(
        detail,
        present=["Alle Vorgänge", "Frist", "Nächster Schritt", "Verlauf", "Vorgang zugewiesen"],
        absent=["All cases", "Next step", "History", "Case assigned"],
    )


def test_the_process_chart_follows_the_language(office: Office) -> None:
    client = f.logged_in_client(office.officer)
    assert "Beschluss erfassen" in _page(client, reverse("workflows:chart_svg"))
    svg = _page(_english(client), reverse("workflows:chart_svg"))
    assert "Record the decision" in svg and "Beschluss erfassen" not in svg
    assert ">yes</text>" in svg and ">ja</text>" not in svg


def test_the_status_of_a_case_is_english_on_the_case_list(office: Office, case: Review) -> None:
    case.status = Review.Status.DRAFTING
    case.save(update_fields=["status"])
    client = f.logged_in_client(office.officer)
    assert "In Bearbeitung" in _page(client, reverse("workflows:review_list"))
    html = _page(_english(client), reverse("workflows:review_list"))
    _assert_all(html, present=["Drafting"], absent=["In Bearbeitung"])


def test_the_four_eyes_refusal_is_english(office: Office, review: Review) -> None:
    # The head drafts the statement herself (she is also an officer by role) and may not approve it.
    office.head.groups.add(office.officer.groups.get())
    client_for(office.officer).post(
        task_url(open_task(review, ReviewFlow.triage)), {"decision": "relevant"}
    )
    client_for(office.head).post(
        task_url(open_task(review, ReviewFlow.assign)), {"assignee": office.head.pk}
    )
    drafted = client_for(office.head).post(submit_url(open_task(review, ReviewFlow.draft)), DRAFT)
    assert drafted.status_code == 302
    url = task_url(open_task(review, ReviewFlow.approve))
    client = client_for(office.head)
    assert "Vier-Augen-Prinzip" in client.get(url).content.decode()
    refused = _english(client).get(url)
    assert refused.status_code == 403
    html = refused.content.decode()
    assert "may not give it the final approval yourself (four-eyes principle)" in html
    assert "Vier-Augen-Prinzip" not in html


@pytest.fixture
def many_cases(db: None) -> list[Review]:
    return [f.make_review(deadline=f.in_days(30 + n)) for n in range(26)]


def test_the_pagination_is_english(office: Office, many_cases: list[Review]) -> None:
    client = _english(f.logged_in_client(office.officer))
    html = _page(client, reverse("workflows:review_list"))
    _assert_all(
        html,
        present=["Page 1 of 2", "Next page", 'aria-label="Pages"'],
        absent=["Seite 1 von 2", "nächste Seite", 'aria-label="Seiten"'],
    )
    second = _page(client, reverse("workflows:review_list") + "?seite=2")
    _assert_all(second, present=["Page 2 of 2", "Previous page"], absent=["vorherige Seite"])


def test_the_status_and_pagination_stay_german_by_default(
    office: Office, many_cases: list[Review]
) -> None:
    html = _page(f.logged_in_client(office.officer), reverse("workflows:review_list"))
    assert '<html lang="de">' in html
    _assert_all(
        html,
        present=["Neu – Sichtung offen", "Seite 1 von 2", "nächste Seite", 'aria-label="Seiten"'],
        absent=["New – triage open", "Page 1 of 2", "Next page"],
    )
