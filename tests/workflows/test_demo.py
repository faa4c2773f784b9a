"""The demo reviews land in different steps through the real services."""

from __future__ import annotations

import pytest

from review.demo.users import create_demo_users
from review.models import Review
from tests import factories as f
from workflows.demo import advance_demo_reviews

from .conftest import open_nodes

pytestmark = pytest.mark.django_db


def test_demo_reviews_are_spread_over_the_steps():
    create_demo_users()
    reviews = [f.make_review(deadline=f.in_days(20 + i)) for i in range(7)]
    moved = advance_demo_reviews()
    assert list(moved) == ["triaged", "assigned", "drafting", "participation", "approval"]
    status = {name: Review.objects.get(pk=pk).status for name, pk in moved.items()}
    assert status == {
        "triaged": Review.Status.AWAITING_ASSIGNMENT,
        "assigned": Review.Status.ASSIGNED,
        "drafting": Review.Status.DRAFTING,
        "participation": Review.Status.PARTICIPATION,
        "approval": Review.Status.APPROVAL,
    }
    assert open_nodes(Review.objects.get(pk=moved["participation"])) == {"await_beirat"}
    assert open_nodes(reviews[-1]) == {"triage"}
    assert advance_demo_reviews() == {"triaged": reviews[5].pk, "assigned": reviews[6].pk}
