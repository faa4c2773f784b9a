"""Who hears about which workflow event."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone

from review.models import Notification, NotificationKind, Review
from review.notifications import events
from review.signals import decision_imported
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


def test_a_vote_request_reaches_the_beirat_members_of_the_consulted_beirat(
    django_capture_on_commit_callbacks,
) -> None:
    beirat = f.make_organization("Ausländerbeirat", is_advisory_council=True)
    member = f.beirat_member()
    member.organizations.add(beirat)
    other_member = f.beirat_member(username="anderer-beirat")
    other_member.organizations.add(f.make_organization("Seniorenbeirat", is_advisory_council=True))
    review = f.make_review(shared_with_beirat=True)
    f.make_consultation(review.paper, organization=beirat)
    with django_capture_on_commit_callbacks(execute=True):
        events.beirat_vote_requested(review=review)
        events.beirat_vote_requested(review=review)
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["beirat"]
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert f"/beirat/vorgang/{review.pk}/" in mail.outbox[0].body


def test_a_released_statement_reaches_the_clerks_of_the_consulted_committees_only() -> None:
    committee = f.make_organization("Ausschuss für Soziales")
    clerk = f.clerk()
    clerk.organizations.add(committee)
    other = f.clerk(username="bauclerk")
    other.organizations.add(f.make_organization("Bauausschuss"))
    review = f.make_review()
    f.make_consultation(review.paper, organization=committee)
    events.statement_released(review=review)
    assert list(
        Notification.objects.filter(kind=NotificationKind.STATEMENT_RELEASED).values_list(
            "recipient__username", flat=True
        )
    ) == ["clerk"]


def test_an_outcome_reaches_drafter_head_and_a_sharing_beirat() -> None:
    drafter = f.officer()
    boss = f.head()
    member = f.beirat_member()
    review = f.make_review(assignee=drafter, shared_with_beirat=True)
    events.outcome_recorded(review=review)
    assert set(Notification.objects.values_list("recipient", flat=True)) == {
        drafter.pk,
        boss.pk,
        member.pk,
    }


def test_an_escalation_to_the_deputy_is_its_own_notification() -> None:
    drafter = f.officer()
    deputy = f.head()
    review = f.make_review(assignee=drafter)
    events.task_overdue(
        review=review, recipient=drafter, task_name="Entwurf", task_key="7", escalated=False
    )
    events.task_overdue(
        review=review, recipient=deputy, task_name="Entwurf", task_key="7", escalated=True
    )
    titles = dict(Notification.objects.values_list("recipient", "title"))
    assert titles[drafter.pk].startswith("Überfällig: Vorlage")
    assert titles[deputy.pk].startswith("An Sie als Vertretung eskaliert: Vorlage")


def test_whoever_records_the_outcome_is_not_told_about_it() -> None:
    drafter = f.officer()
    boss = f.head()
    review = f.make_review(assignee=drafter)
    events.outcome_recorded(review=review, by=drafter)
    assert list(Notification.objects.values_list("recipient", flat=True)) == [boss.pk]


def test_a_notification_without_a_page_of_its_own_leads_the_office_to_the_case() -> None:
    head = f.head()
    review = f.make_review()
    [notification] = events.approval_requested(review=review, round_key="probe")
    assert notification.recipient == head
    assert notification.link == f"/vorgaenge/{review.pk}/"


def test_the_outcome_leads_a_beirat_member_to_the_beirat_view_and_the_office_to_the_case() -> None:
    beirat = f.make_organization("Ausländerbeirat", is_advisory_council=True)
    member = f.beirat_member()
    member.organizations.add(beirat)
    drafter = f.officer()
    review = f.make_review(shared_with_beirat=True, assignee=drafter)
    f.make_consultation(review.paper, organization=beirat)
    links = {n.recipient.username: n.link for n in events.outcome_recorded(review=review)}
    assert links[member.username] == f"/beirat/vorgang/{review.pk}/"
    assert links[drafter.username] == f"/vorgaenge/{review.pk}/"


def test_an_imported_decision_tells_the_drafter_to_compare_it_with_the_recommendation(
    django_capture_on_commit_callbacks,
) -> None:
    drafter = f.officer()
    f.head()
    review = f.make_review(assignee=drafter, decision_result="abgelehnt")
    with django_capture_on_commit_callbacks(execute=True):
        decision_imported.send(sender=Review, review_id=review.pk)
        decision_imported.send(sender=Review, review_id=review.pk)  # a second sync: no second
    [notification] = Notification.objects.filter(kind=NotificationKind.DECISION_IMPORTED)
    assert notification.recipient == drafter
    assert review.paper.reference in notification.title
    assert notification.link == f"/vorgaenge/{review.pk}/"
    assert [m.to for m in mail.outbox] == [[drafter.email]]
    assert "Beschluss eingegangen" in mail.outbox[0].subject
    assert "Beschluss: abgelehnt" in mail.outbox[0].body
    assert "bitte mit der Empfehlung vergleichen" in notification.title


def test_an_imported_decision_on_an_unassigned_case_goes_to_the_beauftragte() -> None:
    head = f.head()
    review = f.make_review(decision_result="beschlossen")
    assert [n.recipient for n in events.decision_imported(review=review)] == [head]


def test_an_imported_decision_on_a_closed_case_tells_nobody() -> None:
    review = f.make_review(
        assignee=f.officer(), status=Review.Status.CLOSED, closed_at=timezone.now()
    )
    decision_imported.send(sender=Review, review_id=review.pk)
    assert not Notification.objects.exists()
