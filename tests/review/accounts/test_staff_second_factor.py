"""STAFF_SECOND_FACTOR: the office and administrators can be required to use a second factor."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


def _home_for(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("home"))
    return response["Location"] if response.status_code == 302 else str(response.status_code)


@pytest.mark.parametrize("persona", [f.officer, f.head, f.administrator])
def test_staff_are_sent_to_set_up_a_second_factor_when_it_is_required(settings, persona) -> None:
    settings.STAFF_SECOND_FACTOR = True
    assert _home_for(persona()).startswith(reverse("accounts:setup"))


@pytest.mark.parametrize("persona", [f.officer, f.administrator])
def test_without_the_setting_staff_log_in_with_the_password_alone(settings, persona) -> None:
    settings.STAFF_SECOND_FACTOR = False
    assert _home_for(persona()) == "200"


def test_a_committee_clerk_is_not_office_staff(settings) -> None:
    settings.STAFF_SECOND_FACTOR = True
    assert not _home_for(f.clerk()).startswith(reverse("accounts:setup"))


def test_a_superuser_is_asked_for_the_second_factor_too(settings) -> None:
    settings.STAFF_SECOND_FACTOR = True
    admin = f.administrator(is_staff=True, is_superuser=True)
    assert _home_for(admin).startswith(reverse("accounts:setup"))
