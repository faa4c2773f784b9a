"""The audit chain checked in operation: command, nightly job, e-mail and page alert."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection

from review.audit import tasks, verification
from review.models import AuditCheck, AuditEvent
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mail_in_memory(settings: Any) -> None:
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


@contextmanager
def _behind_the_applications_back() -> Iterator[Any]:
    """What someone with database superuser rights could do: switch the guard trigger off."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        try:
            yield cursor
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("SET session_replication_role = origin")


def _events(count: int = 3) -> list[AuditEvent]:
    review = f.make_review()
    return [f.record_event(f"test.step{i}", review, number=i) for i in range(count)]


def _run() -> str:
    out = io.StringIO()
    call_command("verify_audit_chain", stdout=out)
    return out.getvalue()


def test_an_intact_chain_passes_and_is_recorded() -> None:
    events = _events()
    output = _run()
    assert "intakt" in output
    check = AuditCheck.objects.get()
    assert check.ok
    assert check.events == AuditEvent.objects.count()
    assert (check.last_event_id, check.last_hash) == (events[-1].pk, events[-1].hash)


def test_a_changed_row_is_found_by_the_command() -> None:
    _, second, _ = _events()
    with _behind_the_applications_back() as cursor:
        cursor.execute(
            "UPDATE review_auditevent SET details = %s WHERE id = %s", ['{"number": 9}', second.pk]
        )
    with pytest.raises(CommandError) as error:
        _run()
    assert f"Ereignis Nr. {second.pk}" in str(error.value)
    assert "Inhalt geändert" in str(error.value)
    failure = AuditCheck.objects.latest_failure()
    assert failure is not None and failure.broken_event_id == second.pk


def test_a_removed_row_is_found() -> None:
    _, second, third = _events()
    with _behind_the_applications_back() as cursor:
        cursor.execute("DELETE FROM review_auditevent WHERE id = %s", [second.pk])
    check = verification.run_check(alert=False)
    assert not check.ok
    assert check.broken_event_id == third.pk
    assert "Vorgänger fehlt" in check.problem


def test_removing_the_newest_rows_is_found_through_the_last_checkpoint() -> None:
    events = _events()
    assert verification.run_check().ok
    with _behind_the_applications_back() as cursor:
        cursor.execute("DELETE FROM review_auditevent WHERE id = %s", [events[-1].pk])
    # The rest still links up: only the checkpoint of the last good run shows the cut.
    assert AuditEvent.objects.first_broken() is None
    check = verification.run_check()
    assert not check.ok
    assert check.broken_event_id == events[-1].pk


def test_the_nightly_job_mails_the_administrators_once_per_finding() -> None:
    admin = f.administrator(email="it@stadt.example")
    f.make_user("chef", is_superuser=True, email="chef@stadt.example")
    f.officer(email="officer@stadt.example")
    _, second, _ = _events()
    with _behind_the_applications_back() as cursor:
        cursor.execute("UPDATE review_auditevent SET verb = 'x' WHERE id = %s", [second.pk])
    assert tasks.verify_audit_chain() is False
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["chef@stadt.example", admin.email]
    assert message.subject == "Stellwerk: Audit-Protokoll beschädigt"
    assert f"Ereignis Nr. {second.pk}" in message.body
    # No names in the alert: the event is named by number, time and action.
    assert admin.last_name not in message.body
    tasks.verify_audit_chain()
    assert len(mail.outbox) == 1  # the same finding the next night: no second mail


def test_the_alert_shows_on_the_administrators_pages() -> None:
    admin = f.administrator(is_staff=True)
    _, second, _ = _events()
    client = f.logged_in_client(admin)
    assert "audit trail has been tampered" not in client.get("/").content.decode()
    with _behind_the_applications_back() as cursor:
        cursor.execute("UPDATE review_auditevent SET verb = 'x' WHERE id = %s", [second.pk])
    verification.run_check(alert=False)
    for url in ["/", "/verwaltung/archiv/"]:
        page = client.get(url).content.decode()
        assert f"Ereignis Nr. {second.pk}" in page, url
        assert "Audit-Protokoll wurde manipuliert" in page or "tampered" in page


def test_beat_checks_the_chain_every_night() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["audit-verify-chain"]
    assert entry["task"] == "audit.verify_chain"
    assert entry["schedule"].hour == {2}
