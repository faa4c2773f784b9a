"""Idle sessions: renewed by activity, but written at most once a minute."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from review.accounts.sessions import RENEW_AFTER_SECONDS
from tests import factories as f

pytestmark = pytest.mark.django_db


def _stored_expiry(client: Client) -> datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_requests_within_a_minute_do_not_write_the_session_again(client) -> None:
    officer = f.officer()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(officer)
        assert client.get(reverse("home")).status_code == 200
        renewed = _stored_expiry(client)
        clock.shift(timedelta(seconds=RENEW_AFTER_SECONDS - 1))
        assert client.get(reverse("home")).status_code == 200
        assert _stored_expiry(client) == renewed


def test_a_request_a_minute_after_the_last_renewal_resets_the_idle_clock(client) -> None:
    officer = f.officer()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(officer)
        client.get(reverse("home"))
        renewed = _stored_expiry(client)
        clock.shift(timedelta(seconds=RENEW_AFTER_SECONDS))
        client.get(reverse("home"))
        assert _stored_expiry(client) == renewed + timedelta(seconds=RENEW_AFTER_SECONDS)


def test_an_unknown_session_cookie_does_not_create_a_session(client) -> None:
    client.cookies["sessionid"] = "unknown-session-key-0123456789"
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert not Session.objects.exists()


def test_the_first_page_after_the_login_does_not_write_the_session_again(client) -> None:
    client.force_login(f.officer())
    stored = _stored_expiry(client)
    assert client.get(reverse("home")).status_code == 200
    assert _stored_expiry(client) == stored
