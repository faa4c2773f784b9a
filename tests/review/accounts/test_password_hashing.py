"""Passwords are stored with Argon2id; one stored with PBKDF2 still works and is rehashed."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client

from config import settings as production
from tests import factories as f

pytestmark = pytest.mark.django_db
PASSWORD = "Sprachkurs-2026-Kita"


@pytest.fixture
def production_hashers(settings: Any) -> None:
    # The tests' own fixture stores passwords with MD5 for speed; these check the real list.
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS


def test_a_new_password_is_stored_with_argon2id(production_hashers: None) -> None:
    person = f.officer()
    person.set_password(PASSWORD)
    person.save()
    assert person.password.startswith("argon2$argon2id$")
    assert person.check_password(PASSWORD)
    assert not person.check_password(PASSWORD + "x")


def test_a_pbkdf2_password_signs_in_and_is_rehashed_with_argon2id(
    production_hashers: None,
) -> None:
    person = f.officer()
    person.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    person.save()
    response = Client().post("/anmelden/", {"username": person.username, "password": PASSWORD})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.password.startswith("argon2$argon2id$")
