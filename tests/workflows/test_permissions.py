"""Every workflow URL × role: the page (200), refused (403), to the login (302), missing (404)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from review.models import Contribution
from tests import factories as f
from workflows.flows import ReviewFlow, start_for_review

from .conftest import DRAFT, client_for, open_task, submit_url, task_url

pytestmark = pytest.mark.django_db

ROLES = ["officer", "head", "clerk", "beirat", "outsider", "superuser", "anonymous"]


def _verified(user) -> Client:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = client_for(user)
    device = TOTPDevice.objects.create(user=user, name="App", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def clients(office):
    return {
        "officer": client_for(office.officer),
        "head": client_for(office.head),
        "clerk": client_for(f.clerk()),
        "beirat": _verified(f.beirat_member()),
        "outsider": client_for(f.outsider()),
        # The IT administrator: may look at the office's pages, never act in its steps.
        "superuser": client_for(f.administrator(is_staff=True, is_superuser=True)),
        "anonymous": Client(),
    }


@pytest.fixture
def urls(office):
    """One review per step, so each task page exists."""
    in_triage = f.make_review(deadline=f.in_days(30))
    start_for_review(in_triage)
    in_assignment = f.make_review(deadline=f.in_days(30))
    start_for_review(in_assignment)
    officer, head = client_for(office.officer), client_for(office.head)
    officer.post(task_url(open_task(in_assignment, ReviewFlow.triage)), {"decision": "relevant"})
    drafting = f.make_review(deadline=f.in_days(30))
    start_for_review(drafting)
    officer.post(task_url(open_task(drafting, ReviewFlow.triage)), {"decision": "relevant"})
    head.post(task_url(open_task(drafting, ReviewFlow.assign)), {"assignee": office.officer.pk})
    approving = f.make_review(deadline=f.in_days(30))
    start_for_review(approving)
    officer.post(task_url(open_task(approving, ReviewFlow.triage)), {"decision": "relevant"})
    head.post(task_url(open_task(approving, ReviewFlow.assign)), {"assignee": office.officer.pk})
    officer.post(submit_url(open_task(approving, ReviewFlow.draft)), DRAFT)
    asked = Contribution.objects.create(
        review=drafting, contributor=office.officer, kind="contribution"
    )
    draft_task = open_task(drafting, ReviewFlow.draft)
    approval = open_task(approving, ReviewFlow.approve)
    return {
        "inbox": "/aufgaben/",
        "team": "/aufgaben/team/",
        "chart": "/ablauf/diagramm/",
        "chart_svg": "/ablauf/diagramm.svg",
        "open_review": "/vorgaenge/neu/",
        "triage": task_url(open_task(in_triage, ReviewFlow.triage)),
        "assign": task_url(open_task(in_assignment, ReviewFlow.assign)),
        "draft": task_url(draft_task),
        "approve": task_url(open_task(approving, ReviewFlow.approve)),
        "reassign": f"/aufgaben/{draft_task.pk}/neu-zuweisen/",
        "submit_draft": f"/aufgaben/{draft_task.pk}/zur-schlusszeichnung/",
        "start_participation": f"/aufgaben/{draft_task.pk}/beteiligung-starten/",
        "versions": f"/vorgaenge/{approving.pk}/fassungen/",
        "beirat_vote": f"/vorgaenge/{drafting.pk}/beirat-votum/",
        "documents": f"/vorgaenge/{approving.pk}/dokumente/",
        "contribution": f"/beteiligungen/{asked.pk}/",
        "missing_task": "/aufgaben/999999/",
        "near_threshold": "/vorlagen/knapp-unter-der-schwelle/",
        "pull_in": f"/vorlagen/{f.make_paper('Haushalt').pk}/aufnehmen/",
        "worklist": "/sichtung/",
        "worklist_preview": f"/sichtung/{in_triage.pk}/vorschau/",
        "worklist_decide": f"/sichtung/{in_triage.pk}/entscheiden/",
        "worklist_decide_many": "/sichtung/mehrere/",
        "worklist_missing": "/sichtung/999999/vorschau/",
        # The Beauftragte's desk (#15).
        "assignment_desk": "/zuweisung/",
        "assign_from_desk": f"/zuweisung/{open_task(in_assignment, ReviewFlow.assign).pk}/",
        "approval_desk": "/schlusszeichnung/",
        "approve_action": f"/aufgaben/{approval.pk}/freigeben/",
        "send_back_action": f"/aufgaben/{approval.pk}/zurueckgeben/",
        "own_absence": f"/personen/{office.officer.pk}/abwesenheit/",
        "missing_absence": "/personen/999999/abwesenheit/",
    }


OFFICE_ONLY = {"clerk": 403, "beirat": 403, "outsider": 403, "anonymous": 302}
EXPECTED = {
    "inbox": {"officer": 200, "head": 200, "superuser": 200, **OFFICE_ONLY},
    "team": {"officer": 200, "head": 200, "superuser": 200, **OFFICE_ONLY},
    "chart": {"officer": 200, "head": 200, "superuser": 200, **OFFICE_ONLY},
    "chart_svg": {"officer": 200, "head": 200, "superuser": 200, **OFFICE_ONLY},
    "open_review": {"officer": 200, "head": 200, "superuser": 403, **OFFICE_ONLY},
    "triage": {"officer": 200, "head": 200, "superuser": 403, **OFFICE_ONLY},
    "assign": {"officer": 403, "head": 200, "superuser": 403, **OFFICE_ONLY},
    "draft": {"officer": 200, "head": 403, "superuser": 403, **OFFICE_ONLY},
    # The officer drafted it: four-eyes, and no approval permission anyway.
    "approve": {"officer": 403, "head": 200, "superuser": 403, **OFFICE_ONLY},
    "reassign": {"officer": 403, "head": 200, "superuser": 403, **OFFICE_ONLY},
    # One POST view per action of the drafting page.
    "submit_draft": {"officer": 405, "head": 405, "superuser": 405, **OFFICE_ONLY},
    "start_participation": {"officer": 405, "head": 405, "superuser": 405, **OFFICE_ONLY},
    "versions": {"officer": 200, "head": 200, "superuser": 200, **OFFICE_ONLY},
    "beirat_vote": {"officer": 200, "head": 200, "superuser": 403, **OFFICE_ONLY},
    "documents": {"officer": 200, "head": 200, "superuser": 200, **OFFICE_ONLY},
    "contribution": {"officer": 200, "head": 403, "superuser": 403, **OFFICE_ONLY},
    "missing_task": {"officer": 404, "head": 404, "superuser": 404, **OFFICE_ONLY},
    "near_threshold": {"officer": 200, "head": 200, "superuser": 403, **OFFICE_ONLY},
    "pull_in": {"officer": 405, "head": 405, "superuser": 403, **OFFICE_ONLY},  # POST only
    # The triage worklist (#15): everyone who may triage (not the IT superuser, who never acts
    # in the office's steps); decisions are POSTs (fragments).
    "worklist": {"officer": 200, "head": 200, "superuser": 403, **OFFICE_ONLY},
    "worklist_preview": {"officer": 200, "head": 200, "superuser": 403, **OFFICE_ONLY},
    "worklist_decide": {"officer": 405, "head": 405, "superuser": 403, **OFFICE_ONLY},
    "worklist_decide_many": {"officer": 405, "head": 405, "superuser": 403, **OFFICE_ONLY},
    "worklist_missing": {"officer": 404, "head": 404, "superuser": 403, **OFFICE_ONLY},
    # The desk: assigning and approving are the Commissioner's (never the IT superuser's); the
    # actions are POSTs. The approval desk sends her to the next waiting approval (302).
    "assignment_desk": {"officer": 403, "head": 200, "superuser": 403, **OFFICE_ONLY},
    "assign_from_desk": {"officer": 403, "head": 405, "superuser": 403, **OFFICE_ONLY},
    "approval_desk": {"officer": 403, "head": 302, "superuser": 403, **OFFICE_ONLY},
    "approve_action": {"officer": 405, "head": 405, "superuser": 405, **OFFICE_ONLY},
    "send_back_action": {"officer": 405, "head": 405, "superuser": 405, **OFFICE_ONLY},
    # The officer's own absence: theirs and the Commissioner's to set, nobody else's.
    "own_absence": {"officer": 200, "head": 200, "superuser": 403, **OFFICE_ONLY},
    "missing_absence": {"officer": 404, "head": 404, "superuser": 404, **OFFICE_ONLY},
}


def test_every_workflow_url_answers_each_role_as_expected(clients, urls):
    actual = {
        name: {role: clients[role].get(url).status_code for role in ROLES}
        for name, url in urls.items()
    }
    assert actual == EXPECTED


def test_anonymous_visitors_are_sent_to_the_login(clients, urls):
    response = clients["anonymous"].get(urls["inbox"])
    assert response["Location"] == f"{reverse('login')}?next=/aufgaben/"


def test_posts_are_refused_like_gets(clients, urls):
    for role in ["clerk", "beirat", "outsider"]:
        for name in [
            "triage",
            "assign",
            "approve",
            "beirat_vote",
            "open_review",
            "worklist_decide",
            "worklist_decide_many",
        ]:
            assert clients[role].post(urls[name], {}).status_code == 403, (role, name)


def test_the_worklist_decisions_answer_posts_by_role(clients, urls):
    # Empty posts: people who may triage get the row (htmx) or the list back, nothing decided.
    htmx = {"HX-Request": "true"}
    expected = {"officer": 200, "head": 200, "clerk": 403, "beirat": 403, "outsider": 403}
    for name in ["worklist_decide", "worklist_decide_many"]:
        actual = {
            role: clients[role].post(urls[name], {}, headers=htmx).status_code for role in expected
        }
        assert actual == expected, name
        assert clients["anonymous"].post(urls[name], {}).status_code == 302


def test_the_drafting_actions_answer_posts_by_role(clients, urls):
    # Empty posts: the drafter gets the page back with the errors, nobody else gets that far.
    expected = {"officer": 200, "head": 403, "clerk": 403, "beirat": 403, "outsider": 403}
    for name in ["submit_draft", "start_participation"]:
        actual = {role: clients[role].post(urls[name], {}).status_code for role in expected}
        assert actual == expected, name
        assert clients["anonymous"].post(urls[name], {}).status_code == 302


def test_the_desk_actions_answer_posts_by_role(clients, urls):
    # Empty posts: the Commissioner gets the desk back with the error (nothing assigned or sent
    # back) or releases; the drafter (officer) and everyone else are refused.
    expected = {
        "superuser": 403,
        "officer": 403,
        "head": 200,
        "clerk": 403,
        "beirat": 403,
        "outsider": 403,
    }
    for name in ["assign_from_desk", "send_back_action"]:
        actual = {role: clients[role].post(urls[name], {}).status_code for role in expected}
        assert actual == expected, name
        assert clients["anonymous"].post(urls[name], {}).status_code == 302
    refused = {role: clients[role].post(urls["approve_action"]).status_code for role in expected}
    assert refused == {**expected, "head": 302}  # the head released it


def test_the_it_superuser_can_neither_take_nor_do_assignment_and_approval(clients, urls):
    superuser = clients["superuser"]
    for name in ["assign", "approve"]:
        response = superuser.post(urls[name], {"assignee": "1", "decision": "approve"})
        assert response.status_code == 403, name
        assert superuser.post(f"{urls[name]}uebernehmen/").status_code in (403, 404), name
    team = superuser.get(urls["team"]).content.decode()
    assert urls["assign"] not in team and urls["approve"] not in team
