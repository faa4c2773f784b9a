"""Beschlusskontrolle: opening a follow-up on a decided case, the colleague's status, reminders."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from review.followups import services
from review.models import AuditEvent, FollowUp, Notification, Review, Role
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided() -> Review:
    lead = f.make_organization("Amt für Schule und Bildung")
    paper = f.make_paper("Mehrsprachige Elternabende")
    paper.under_direction_of.add(lead)
    return f.make_review(
        paper,
        status=Review.Status.CLOSED,
        closed_at=timezone.now(),
        decision_result="beschlossen",
        outcome=Review.Outcome.FOLLOWED,
    )


def _open(review: Review, **fields) -> FollowUp:
    fields.setdefault("task", "Elternabende in fünf Sprachen anbieten.")
    fields.setdefault("due_date", f.in_days(30))
    fields.setdefault("assignee", f.make_user("kollegin", unit="Amt für Schule und Bildung"))
    fields.setdefault("by", f.make_user(role=Role.HEAD))
    return services.open_follow_up(review=review, **fields)


def test_the_office_opens_a_follow_up_and_the_colleague_gets_a_task(
    decided: Review, django_capture_on_commit_callbacks
):
    head = f.head(username="chefin")
    client = f.logged_in_client(head)
    colleague = f.make_user("kollegin")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/beschlusskontrolle/vorgang/{decided.pk}/neu/",
            {
                "task": "Elternabende in fünf Sprachen anbieten.",
                "due_date": f.in_days(60).isoformat(),
                "assignee": colleague.pk,
            },
        )
    follow_up = FollowUp.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/beschlusskontrolle/{follow_up.pk}/"
    assert follow_up.lead_office is not None
    assert follow_up.lead_office.name == "Amt für Schule und Bildung"
    assert follow_up.status == FollowUp.Status.OPEN
    event = AuditEvent.objects.get(verb="followup.opened")
    assert (event.actor, event.review) == (head, decided)
    task = Notification.objects.get(recipient=colleague)
    assert task.link == f"/beschlusskontrolle/{follow_up.pk}/"


def test_no_follow_up_before_the_decision_is_recorded():
    undecided = f.make_review()
    with pytest.raises(services.FollowUpError) as error:
        _open(undecided)
    assert str(error.value) == str(services.NOT_DECIDED)
    page = f.logged_in_client(f.head()).get(f"/beschlusskontrolle/vorgang/{undecided.pk}/neu/")
    assert "decision is not recorded yet" in page.content.decode() or (
        "Beschluss des Gremiums ist noch nicht erfasst" in page.content.decode()
    )


def test_the_colleague_closes_the_follow_up_with_a_note(decided: Review):
    follow_up = _open(decided)
    colleague = follow_up.assignee
    client = f.logged_in_client(colleague)
    page = client.get(f"/beschlusskontrolle/{follow_up.pk}/")
    assert "Elternabende in fünf Sprachen anbieten." in page.content.decode()
    client.post(f"/beschlusskontrolle/{follow_up.pk}/", {"status": "in_progress", "note": ""})
    response = client.post(
        f"/beschlusskontrolle/{follow_up.pk}/",
        {"status": "done", "note": "Seit März in Arabisch, Farsi, Russisch, Türkisch, Ukrainisch."},
    )
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUp.Status.DONE
    assert follow_up.closed_at is not None
    assert "Farsi" in follow_up.note
    changes = AuditEvent.objects.filter(verb="followup.status_changed").order_by("id")
    assert [(e.details["from"], e.details["to"]) for e in changes] == [
        ("open", "in_progress"),
        ("in_progress", "done"),
    ]
    assert all(e.actor == colleague for e in changes)


def test_not_implemented_needs_a_note(decided: Review):
    follow_up = _open(decided)
    with pytest.raises(services.FollowUpError) as error:
        services.set_status(follow_up=follow_up, status="not_done", note=" ", by=follow_up.assignee)
    assert str(error.value) == str(services.NOTE_REQUIRED)


def test_nobody_else_sees_or_changes_a_follow_up(decided: Review):
    follow_up = _open(decided)
    stranger = f.make_user("fremd")
    assert (
        f.logged_in_client(stranger).get(f"/beschlusskontrolle/{follow_up.pk}/").status_code == 404
    )
    with pytest.raises(services.FollowUpError):
        services.set_status(follow_up=follow_up, status="done", note="", by=stranger)


def test_an_overdue_follow_up_reminds_once_and_is_marked_in_the_list(decided: Review):
    follow_up = _open(decided, due_date=f.in_days(5))
    head = follow_up.created_by
    assert services.remind_overdue() == 0
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        assert services.remind_overdue() == 1
        assert services.remind_overdue() == 0
        reminded = Notification.objects.filter(kind="overdue").values_list("recipient", flat=True)
        assert set(reminded) == {follow_up.assignee.pk, head.pk}
        assert AuditEvent.objects.filter(verb="followup.overdue").count() == 1
        page = f.logged_in_client(head).get("/beschlusskontrolle/").content.decode()
        assert 'data-overdue="true"' in page
        only_overdue = f.logged_in_client(head).get("/beschlusskontrolle/?status=ueberfaellig")
        assert only_overdue.content.decode().count('data-testid="follow-up"') == 1


def test_a_closed_follow_up_is_not_reminded(decided: Review):
    follow_up = _open(decided, due_date=f.in_days(1))
    services.set_status(follow_up=follow_up, status="done", note="", by=follow_up.assignee)
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        assert services.remind_overdue() == 0


def test_every_follow_up_url_answers_each_role_as_expected(decided: Review):
    follow_up = _open(decided)
    clients = {
        "officer": f.logged_in_client(f.officer()),
        "head": f.logged_in_client(f.head(username="zweite")),
        "asked": f.logged_in_client(follow_up.assignee),
        "clerk": f.logged_in_client(f.clerk()),
        "beirat": f.logged_in_client(f.beirat_member()),
        "outsider": f.logged_in_client(f.outsider()),
        "anonymous": Client(),
    }
    urls = {
        "list": "/beschlusskontrolle/",
        "detail": f"/beschlusskontrolle/{follow_up.pk}/",
        "open": f"/beschlusskontrolle/vorgang/{decided.pk}/neu/",
    }
    actual = {
        name: {role: c.get(url).status_code for role, c in clients.items()}
        for name, url in urls.items()
    }
    others = {"clerk": 404, "beirat": 404, "outsider": 404, "anonymous": 302}
    assert actual == {
        # Everyone signed in sees the list: the office all, the others their own (none).
        "list": {
            "officer": 200,
            "head": 200,
            "asked": 200,
            "clerk": 200,
            "beirat": 200,
            "outsider": 200,
            "anonymous": 302,
        },
        "detail": {"officer": 200, "head": 200, "asked": 200, **others},
        "open": {
            "officer": 200,
            "head": 200,
            "asked": 403,
            "clerk": 403,
            "beirat": 403,
            "outsider": 403,
            "anonymous": 302,
        },
    }


def test_the_case_page_of_a_decided_case_links_to_a_new_follow_up(decided: Review):
    page = f.logged_in_client(f.officer()).get(f"/vorgaenge/{decided.pk}/")
    assert f'href="/beschlusskontrolle/vorgang/{decided.pk}/neu/"' in page.content.decode()
