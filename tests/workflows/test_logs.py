"""No person's name or e-mail address in the log of a whole workflow (data protection)."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from review.models import User

from . import test_paths
from .conftest import Office

pytestmark = pytest.mark.django_db


def test_a_whole_workflow_logs_no_names_or_addresses(
    office: Office, review: Any, django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    test_paths.test_full_path_with_participation_and_one_send_back(
        office, review, django_capture_on_commit_callbacks
    )
    log = caplog.text
    assert log, "the workflow wrote no log at all; the check would prove nothing"
    people = User.objects.exclude(first_name="", last_name="", email="")
    assert people.count() >= 4
    for person in people:
        for value in (person.get_full_name(), person.email):
            if value:
                assert value not in log, f"personal data in the log: {value!r}"
