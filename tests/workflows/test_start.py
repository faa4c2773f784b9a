"""The flow starts once per review and waits for the triage."""

from __future__ import annotations

import pytest

from tests import factories as f
from workflows import queries
from workflows.flows import ReviewFlow, start_for_review

pytestmark = pytest.mark.django_db


def test_a_started_review_waits_for_triage_in_the_team_queue():
    review = f.make_review()
    process = start_for_review(review)
    assert start_for_review(review) == process
    tasks = queries.open_tasks_for_review(review)
    assert [t.flow_task for t in tasks] == [ReviewFlow.triage]
    officer = f.officer()
    assert [row.review for row in queries.team_queue(officer)] == [review]
    assert queries.inbox(officer) == []
