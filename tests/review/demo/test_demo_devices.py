"""The demo's external people can log in with the printed second factor."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from review.demo.users import (
    DEMO_PASSWORD,
    DEMO_RECOVERY_CODES,
    create_demo_users,
    demo_totp_code,
    demo_totp_secret,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username", ["beirat", "gremienbetreuung"])
def test_the_demo_external_people_log_in_with_the_known_totp_key(username: str) -> None:
    create_demo_users()
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("notifications:list"))["Location"].startswith(
        reverse("accounts:verify")
    )
    verified = client.post(reverse("accounts:verify"), {"token": demo_totp_code()})
    assert verified.status_code == 302
    assert client.get(reverse("notifications:list")).status_code == 200


def test_demo_recovery_codes_work_and_running_it_again_restores_them() -> None:
    create_demo_users()
    client = Client()
    client.post(reverse("login"), {"username": "beirat", "password": DEMO_PASSWORD})
    assert (
        client.post(reverse("accounts:verify"), {"token": DEMO_RECOVERY_CODES[0]}).status_code
        == 302
    )
    create_demo_users()
    again = Client()
    again.post(reverse("login"), {"username": "beirat", "password": DEMO_PASSWORD})
    assert (
        again.post(reverse("accounts:verify"), {"token": DEMO_RECOVERY_CODES[0]}).status_code == 302
    )


def test_demo_logins_prints_the_totp_key(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("demo_logins")
    out = capsys.readouterr().out
    assert demo_totp_secret() in out
    assert "otpauth://totp/" in out
    call_command("demo_totp")
    assert capsys.readouterr().out.split()[0].isdigit()


def test_demo_logins_names_the_address_make_run_serves(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("demo_logins", url="http://127.0.0.1:8197/")
    assert "Stellwerk läuft: http://127.0.0.1:8197/" in capsys.readouterr().out
