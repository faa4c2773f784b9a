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
