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


def test_an_overlong_username_is_a_form_error_not_a_server_error() -> None:
    response = Client().post(reverse("login"), {"username": "x" * 300, "password": "falsch"})
    assert response.status_code == 200
    assert "Benutzername ist zu lang" in response.content.decode()


PROXY = "10.0.0.2"


def _login_via_proxy(username: str, password: str, client_address: str, **headers: str):
    return Client(REMOTE_ADDR=PROXY).post(
        reverse("login"),
        {"username": username, "password": password},
        headers={"X-Forwarded-For": client_address, **headers},
    )


def test_wrong_passwords_behind_the_proxy_do_not_lock_the_victim_out(settings) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    victim = f.officer()
    statuses = [
        _login_via_proxy(victim.username, "falsch", "203.0.113.9").status_code for _ in range(4)
    ]
    assert statuses[-1] == 429  # the guesser is slowed down …
    # … but the victim, from their own address behind the same proxy, logs in.
    assert _login_via_proxy(victim.username, f.PASSWORD, "198.51.100.7").status_code == 302


def test_a_forged_forwarded_header_from_an_untrusted_address_is_ignored(settings) -> None:
    from django.test import RequestFactory

    from review.accounts.client_address import client_address

    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    direct = RequestFactory(REMOTE_ADDR="203.0.113.9").get("/", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_address(direct) == "203.0.113.9"
    # Through our proxy: the right-most untrusted hop, not what the client put in front.
    proxied = RequestFactory(REMOTE_ADDR=PROXY).get(
        "/", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7, 10.0.0.3"
    )
    assert client_address(proxied) == "198.51.100.7"
    settings.TRUSTED_PROXIES = []
    assert client_address(proxied) == PROXY
