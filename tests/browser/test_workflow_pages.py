"""The workflow pages (inbox, team queue, each step, chart) pass axe-core's WCAG 2.1 A/AA rules
and fit a phone. Screenshots land in test-artifacts/screenshots/workflow-*."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from review.models import Contribution
from tests import factories as f
from tests.workflows.conftest import DRAFT, client_for, open_task, submit_url, task_url
from workflows.flows import ReviewFlow, start_for_review

from .conftest import requires_chromium
from .test_accessibility import _check_pages, _log_in

pytestmark = [
    pytest.mark.browser,
    requires_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _review(name: str, reference: str, days: int):
    paper = f.make_paper(name, reference=reference)
    council = f.make_organization(f"Ausländerbeirat {reference}", is_advisory_council=True)
    f.make_consultation(paper, f.make_meeting(council), organization=council, role="Anhörung")
    review = f.make_review(
        paper,
        deadline=timezone.localdate() + timedelta(days=days),
        relevance_reasons=["Stichwort: Sprachkurse"],
    )
    start_for_review(review)
    return review


def test_workflow_pages_pass_axe_for_officer_and_beauftragte(live_server, browser_context):
    officer, head = f.officer(), f.head()
    officer_client, head_client = client_for(officer), client_for(head)
    in_triage = _review("Sprachkurse für Geflüchtete", "V100/26", 5)
    drafting = _review("Kitaplätze für alle", "V200/26", 30)
    approving = _review("Wohnraum für Familien", "V300/26", 20)
    in_assignment = _review("Jugendzentrum Nord", "V400/26", 40)
    for review in (drafting, approving, in_assignment):
        officer_client.post(
            task_url(open_task(review, ReviewFlow.triage)), {"decision": "relevant"}
        )
    for review in (drafting, approving):
        head_client.post(task_url(open_task(review, ReviewFlow.assign)), {"assignee": officer.pk})
    draft = open_task(drafting, ReviewFlow.draft)
    officer_client.post(f"/aufgaben/{draft.pk}/zwischenspeichern/", DRAFT)
    officer_client.post(
        f"/aufgaben/{draft.pk}/zwischenspeichern/", {**DRAFT, "assessment": "Vor allem Mütter."}
    )
    officer_client.post(submit_url(open_task(approving, ReviewFlow.draft)), DRAFT)
    asked = Contribution.objects.create(
        review=approving, contributor=officer, kind="co_signature", due_date=timezone.localdate()
    )

    page = browser_context.new_page()
    base = live_server.url
    _log_in(page, base, officer)
    problems = _check_pages(
        page,
        base,
        "workflow-sachbearbeitung",
        {
            "aufgaben": reverse("workflows:inbox"),
            "team": reverse("workflows:team_queue"),
            "sichtung": task_url(open_task(in_triage, ReviewFlow.triage)),
            "entwurf": task_url(draft),
            "fassungen": reverse("workflows:version_diff", args=[drafting.pk]),
            "beirat-votum": reverse("workflows:beirat_vote", args=[drafting.pk]),
            "beteiligung": reverse("workflows:contribution", args=[asked.pk]),
            "erfassen": reverse("workflows:open_review"),
            "ablauf": reverse("workflows:chart"),
        },
    )
    browser_context.clear_cookies()
    _log_in(page, base, head)
    problems += _check_pages(
        page,
        base,
        "workflow-beauftragte",
        {
            "zuweisung": task_url(open_task(in_assignment, ReviewFlow.assign)),
            "schlusszeichnung": task_url(open_task(approving, ReviewFlow.approve)),
            "neu-zuweisen": reverse("workflows:reassign", args=[draft.pk]),
            "aufgaben-leer": reverse("workflows:inbox"),
            # The desk (#15): the assignment list and an officer's absence.
            "zuweisungsliste": reverse("workflows:assignment_desk"),
            "abwesenheit": reverse("workflows:absence", args=[officer.pk]),
        },
    )
    assert not problems, "\n".join(problems)
