"""`manage.py demo_workflows` prepares the demo cases once; `make run` may call it again."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from review.demo.users import create_demo_users
from review.models import Review
from tests import factories as f

pytestmark = pytest.mark.django_db


def _run() -> str:
    out = StringIO()
    call_command("demo_workflows", stdout=out)
    return out.getvalue()


def test_demo_workflows_moves_cases_once_and_leaves_them_on_the_second_run() -> None:
    create_demo_users()
    for i in range(8):
        f.make_review(deadline=f.in_days(20 + i))
    assert "Demo-Abläufe vorbereitet" in _run()
    statuses = sorted(Review.objects.values_list("status", flat=True))
    assert "participation" in statuses and "approval" in statuses

    assert "bereits vorbereitet" in _run()
    assert sorted(Review.objects.values_list("status", flat=True)) == statuses
