"""Password reset: the same work for known and unknown addresses, and limits against flooding."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from review.accounts import password_reset
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def _ask(client: Client, email: str, capture) -> tuple[int, int]:
    """(status, callbacks queued on commit) without running them."""
    with capture(execute=False) as callbacks:
        response = client.post(reverse("password_reset"), {"email": email})
    return response.status_code, len(callbacks)


def test_no_mail_is_written_while_the_visitor_waits(django_capture_on_commit_callbacks) -> None:
    # Known and unknown addresses answer alike; the mail is left to the worker (on commit), so
    # the answer takes as long for both.
    member = f.beirat_member()
    client = Client()
    assert _ask(client, member.email, django_capture_on_commit_callbacks) == (302, 1)
    assert _ask(client, "niemand@example.org", django_capture_on_commit_callbacks) == (302, 0)
    assert mail.outbox == []


def test_the_worker_writes_a_working_link(django_capture_on_commit_callbacks) -> None:
    member = f.beirat_member()
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("password_reset"), {"email": member.email})
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [member.email]
    link = next(word for word in mail.outbox[0].body.split() if "/konto/passwort-neu/" in word)
    page = Client().get(urlsplit(link).path, follow=True)
    assert 'name="new_password1"' in page.content.decode()


def test_at_most_three_mails_an_hour_go_to_one_address(django_capture_on_commit_callbacks) -> None:
    member = f.beirat_member()
    queued = [
        _ask(Client(REMOTE_ADDR=f"192.0.2.{i}"), member.email, django_capture_on_commit_callbacks)
        for i in range(5)
    ]
    # The page says the same every time; only the first three mails are sent.
    assert [status for status, _ in queued] == [302] * 5
    assert [count for _, count in queued] == [1, 1, 1, 0, 0]


def test_one_client_address_is_stopped_after_ten_requests(
    django_capture_on_commit_callbacks,
) -> None:
    client = Client(REMOTE_ADDR="198.51.100.7")
    statuses = [
        _ask(client, f"person{i}@example.org", django_capture_on_commit_callbacks)[0]
        for i in range(password_reset.REQUESTS_PER_CLIENT + 1)
    ]
    assert statuses[-1] == 429 and set(statuses[:-1]) == {302}
    refused = client.post(reverse("password_reset"), {"email": "x@example.org"})
    assert "zu viele neue Passwörter" in refused.content.decode()
    # Someone else is not affected.
    assert (
        _ask(
            Client(REMOTE_ADDR="203.0.113.5"), "y@example.org", django_capture_on_commit_callbacks
        )[0]
        == 302
    )
