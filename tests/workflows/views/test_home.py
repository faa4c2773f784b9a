"""The start page per role."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from review.models import Review
from review.services import triage_relevant
from tests import factories as f
from tests.workflows.conftest import DRAFT, client_for, open_task, submit_url, task_url
from workflows import queries
from workflows.flows import ReviewFlow, start_for_review
from workflows.runner import complete

pytestmark = pytest.mark.django_db


def test_an_officer_sees_their_cases_the_team_queue_and_what_is_overdue() -> None:
    me = f.officer()
    today = timezone.localdate()
    f.make_review(
        f.make_paper("Sprachkurse", reference="V1/26"),
        assignee=me,
        status=Review.Status.DRAFTING,
        deadline=today - timedelta(days=1),
    )
    f.make_review(
        f.make_paper("Kita", reference="V2/26"),
        assignee=me,
        status=Review.Status.DRAFTING,
        deadline=today + timedelta(days=3),
    )
    # A new paper's flow puts its triage into the team queue.
    start_for_review(f.make_review(f.make_paper("Neu", reference="V3/26")))
    html = f.logged_in_client(me).get(reverse("home")).content.decode()
    assert 'data-testid="my-task-count">0<' in html
    assert "in 2 Vorgängen in meiner Bearbeitung" in html
    assert 'data-testid="team-queue-count">1<' in html
    assert 'data-testid="my-overdue">1<' in html
    # "Due soon": the installation's NOTIFY_DUE_SOON_DAYS (3) for someone who chose nothing.
    assert "1 in den nächsten 3 Tagen fällig" in html
    assert html.index("V1/26") < html.index("V2/26")
    assert 'data-testid="overdue"' in html and 'data-testid="due-soon"' in html


def test_an_officer_without_cases_is_told_what_to_do() -> None:
    html = f.logged_in_client(f.officer()).get(reverse("home")).content.decode()
    assert "Ihnen ist kein Vorgang zugewiesen" in html


def test_the_head_sees_assignments_and_approvals_waiting() -> None:
    head = f.head()
    drafter = f.officer()
    # Only a case triaged as relevant waits for its assignment; new papers wait for triage.
    start_for_review(f.make_review(f.make_paper("Neu", reference="V3/26")))
    start_for_review(f.make_review(f.make_paper("Gesichtet", reference="V5/26")))
    triaged = Review.objects.get(paper__reference="V5/26")
    triage = Task.objects.get(
        process__reviewprocess__review=triaged, flow_task=ReviewFlow.triage, status=STATUS.NEW
    )
    complete(triage, drafter, None, lambda: triage_relevant(review=triaged, by=drafter))  # type: ignore[arg-type]
    f.make_review(
        f.make_paper("Fertig", reference="V4/26"), status=Review.Status.APPROVAL, assignee=drafter
    )
    html = f.logged_in_client(head).get(reverse("home")).content.decode()
    assert "1 Vorgang wartet auf die Zuweisung." in html
    assert "V4/26 – Fertig" in html
    assert f"Entwurf von {drafter}" in html


def test_a_clerk_is_sent_to_the_committee_page() -> None:
    response = f.logged_in_client(f.clerk()).get(reverse("home"))
    assert response["Location"] == reverse("external:clerk")


def test_a_beirat_member_is_sent_to_the_beirat_page() -> None:
    response = f.logged_in_client(f.beirat_member()).get(reverse("home"))
    assert response["Location"] == reverse("external:beirat")


def test_an_administrator_gets_the_administration_links() -> None:
    html = f.logged_in_client(f.administrator(is_staff=True)).get(reverse("home")).content.decode()
    # The model pages are linked once they are registered in the admin; the index always is.
    assert f'href="{reverse("admin:index")}"' in html
    assert "Meine Vorgänge nach Frist" not in html
    assert "Wartet auf Sie als Beauftragte" not in html


def test_a_superuser_administrator_is_not_addressed_as_the_commissioner() -> None:
    admin = f.administrator(is_staff=True, is_superuser=True)
    html = f.logged_in_client(admin).get(reverse("home")).content.decode()
    assert "Wartet auf Sie als Beauftragte" not in html


def test_a_person_without_a_role_is_told_whom_to_ask() -> None:
    html = f.logged_in_client(f.outsider()).get(reverse("home")).content.decode()
    assert "noch keine Rolle" in html


def test_the_start_page_counts_what_waits_for_this_person_and_links_to_exactly_those() -> None:
    head = f.head()
    drafter = f.officer()
    for reference in ("V6/26", "V7/26"):
        start_for_review(f.make_review(f.make_paper("Neu", reference=reference)))
    triaged = Review.objects.get(paper__reference="V7/26")
    triage = Task.objects.get(
        process__reviewprocess__review=triaged, flow_task=ReviewFlow.triage, status=STATUS.NEW
    )
    complete(triage, drafter, None, lambda: triage_relevant(review=triaged, by=drafter))  # type: ignore[arg-type]
    # An approval waits for the head: it counts among her tasks although nobody claimed it.
    approving = f.make_review(f.make_paper("Zur Zeichnung", reference="V8/26"))
    start_for_review(approving)
    officer = client_for(drafter)
    officer.post(task_url(open_task(approving, ReviewFlow.triage)), {"decision": "relevant"})
    client_for(head).post(
        task_url(open_task(approving, ReviewFlow.assign)), {"assignee": drafter.pk}
    )
    officer.post(submit_url(open_task(approving, ReviewFlow.draft)), DRAFT)
    assert Review.objects.get(pk=approving.pk).status == Review.Status.APPROVAL
    html = f.logged_in_client(head).get(reverse("home")).content.decode()
    assert 'data-testid="my-task-count">1<' in html
    assert 'data-testid="triage-count">1<' in html
    assert 'href="/sichtung/"' in html
    assert "1 Vorgang wartet auf die Zuweisung." in html
    assert 'href="/vorgaenge/?status=awaiting_assignment"' in html
    assert "1 Stellungnahme wartet auf die Schlusszeichnung." in html
    assert 'href="/vorgaenge/?status=approval"' in html
    # The links open exactly the cases counted.
    client = f.logged_in_client(head)
    assigning = client.get("/vorgaenge/?status=awaiting_assignment").content.decode()
    assert "V7/26" in assigning and "V6/26" not in assigning and "V8/26" not in assigning
    approvals = client.get("/vorgaenge/?status=approval").content.decode()
    assert "V8/26" in approvals and "V7/26" not in approvals
    inbox = client.get(reverse("workflows:inbox")).content.decode()
    assert "V8/26" in inbox


def test_the_task_counts_are_those_of_the_lists_they_link_to(office, review) -> None:
    # The head drafts the statement herself: four-eyes keeps its approval from her queue.
    client_for(office.officer).post(
        task_url(open_task(review, ReviewFlow.triage)), {"decision": "relevant"}
    )
    office.head.groups.add(office.officer.groups.get())
    client_for(office.head).post(
        task_url(open_task(review, ReviewFlow.assign)), {"assignee": office.head.pk}
    )
    client_for(office.head).post(submit_url(open_task(review, ReviewFlow.draft)), DRAFT)
    # Anna is away and Bert deputises: Anna's draft of another case is in Bert's inbox.
    other = f.make_review(deadline=f.in_days(30))
    start_for_review(other)
    client_for(office.officer).post(
        task_url(open_task(other, ReviewFlow.triage)), {"decision": "relevant"}
    )
    client_for(office.head2).post(
        task_url(open_task(other, ReviewFlow.assign)), {"assignee": office.officer.pk}
    )
    today = timezone.localdate()
    office.officer.deputy = office.officer2
    office.officer.absent_from = today - timedelta(days=1)
    office.officer.absent_until = today + timedelta(days=7)
    office.officer.save()

    for person, mine, team in [(office.officer2, 1, 0), (office.head, 0, 0), (office.head2, 1, 1)]:
        html = client_for(person).get(reverse("home")).content.decode()
        assert f'data-testid="my-task-count">{mine}<' in html, person
        assert f'data-testid="team-queue-count">{team}<' in html, person
        assert len(queries.inbox(person)) == mine and len(queries.team_queue(person)) == team
