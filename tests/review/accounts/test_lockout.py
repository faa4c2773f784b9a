"""Repeated wrong passwords lock the login (django-axes), even for the right password after."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_repeated_wrong_passwords_lock_the_account(settings) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    member = f.beirat_member()
    client = Client()
    statuses = [
        client.post(
            reverse("login"), {"username": member.username, "password": "falsch"}
        ).status_code
        for _ in range(3)
    ]
    assert statuses[:2] == [200, 200]  # the form again, with an error
    assert statuses[2] == 429
    locked = client.post(reverse("login"), {"username": member.username, "password": f.PASSWORD})
    assert locked.status_code == 429
    assert "gesperrt" in locked.content.decode()
    # Another person from the same address is not locked out by someone else's failures.
    other = f.clerk()
    fine = Client().post(reverse("login"), {"username": other.username, "password": f.PASSWORD})
    assert fine.status_code == 302
