"""People and a started review for the workflow tests; helpers that click through pages."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from review.models import Review, User
from tests import factories as f
from workflows.flows import start_for_review


@dataclass
class Office:
    officer: User
    officer2: User
    head: User
    head2: User


@pytest.fixture
def office(db: None) -> Office:
    return Office(
        officer=f.officer(username="anna"),
        officer2=f.officer(username="bert"),
        head=f.head(username="chefin"),
        head2=f.head(username="vize"),
    )


@pytest.fixture
def review(db: None) -> Review:
    review = f.make_review(deadline=f.in_days(30))
    start_for_review(review)
    return review


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def open_task(review: Review, node: object) -> Task:
    return Task.objects.get(
        process__reviewprocess__review=review,
        flow_task=node,
        status__in=[STATUS.NEW, STATUS.ASSIGNED],
    )


def task_url(task: Task) -> str:
    return f"/aufgaben/{task.pk}/"


def submit_url(task: Task) -> str:
    """The drafting page's "Zur Schlusszeichnung geben" button posts here."""
    return f"/aufgaben/{task.pk}/zur-schlusszeichnung/"


def participation_url(task: Task) -> str:
    """The drafting page's "Beteiligung starten" button posts here."""
    return f"/aufgaben/{task.pk}/beteiligung-starten/"


def open_nodes(review: Review) -> set[str]:
    return {
        t.flow_task.name
        for t in Task.objects.filter(
            process__reviewprocess__review=review,
            status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED],
        )
        if t.flow_task_type not in ("TIMER", "JOIN")
    }


DRAFT = {
    "facts": "Die Vorlage will Sprachkurse ausweiten.",
    "assessment": "Betroffen sind Zugewanderte ohne Kita-Platz.",
    "recommendation": "approve_with_changes",
    "recommendation_text": "Mit Kinderbetreuung.",
    "proposals-TOTAL_FORMS": "1",
    "proposals-INITIAL_FORMS": "0",
    "proposals-MIN_NUM_FORMS": "0",
    "proposals-MAX_NUM_FORMS": "50",
    "proposals-0-location": "Abschnitt 2",
    "proposals-0-proposal": "Kinderbetreuung während der Kurse anbieten.",
    "proposals-0-reason": "Sonst können Eltern nicht teilnehmen.",
    "kind": "contribution",
}
