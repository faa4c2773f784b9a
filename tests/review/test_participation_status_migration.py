"""review/migrations/0029: cases stored as "consultation" are in Status.PARTICIPATION after it."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.db import connection

from review.models import Review
from tests import factories as f

pytestmark = pytest.mark.django_db

migration = import_module("review.migrations.0029_cleanup_participation_status")


def test_cases_in_the_old_consultation_status_move_to_participation_and_back() -> None:
    old = f.make_review()
    Review.objects.filter(pk=old.pk).update(status="consultation")
    drafting = f.make_review(status=Review.Status.DRAFTING)

    migration.rename_status(django_apps, connection.schema_editor())
    old.refresh_from_db()
    drafting.refresh_from_db()
    assert old.status == Review.Status.PARTICIPATION == "participation"
    assert old.get_status_display() == "In Beteiligung"
    assert drafting.status == Review.Status.DRAFTING

    migration.restore_status(django_apps, connection.schema_editor())
    assert Review.objects.get(pk=old.pk).status == "consultation"
    assert Review.objects.get(pk=drafting.pk).status == Review.Status.DRAFTING
