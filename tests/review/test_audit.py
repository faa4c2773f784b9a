from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from review.models import GENESIS_HASH, AuditEvent, AuditVerb, ImmutableRowError
from tests import factories as f

pytestmark = pytest.mark.django_db


def _three_events() -> list[AuditEvent]:
    review = f.make_review()
    actor = f.officer()
    return [
        AuditEvent.record(
            AuditVerb.REVIEW_OPENED, actor_label="oparl-sync", obj=review, review=review
        ),
        AuditEvent.record(
            AuditVerb.REVIEW_TRIAGED,
            actor=actor,
            obj=review,
            review=review,
            details={"relevant": True},
        ),
        AuditEvent.record(
            AuditVerb.REVIEW_ASSIGNED,
            actor=actor,
            obj=review,
            review=review,
            details={"to": "Frau Öztürk & Co <b>"},
        ),
    ]


def test_events_form_a_hash_chain() -> None:
    first, second, third = _three_events()
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert AuditEvent.objects.first_broken() is None


def test_events_reload_with_the_same_hash() -> None:
    for event in _three_events():
        stored = AuditEvent.objects.get(pk=event.pk)
        assert stored.compute_hash() == stored.hash


def test_events_cannot_be_changed_through_the_orm() -> None:
    event = _three_events()[0]
    event.verb = "something.else"
    with pytest.raises(ImmutableRowError):
        event.save()
    with pytest.raises(ImmutableRowError):
        AuditEvent.objects.filter(pk=event.pk).update(verb="x")
    with pytest.raises(ImmutableRowError):
        AuditEvent.objects.all().delete()


@contextmanager
def _bypassing_the_append_only_trigger() -> Iterator[Any]:
    """What an attacker with database superuser rights could do: switch triggers off."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        try:
            yield cursor
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("SET session_replication_role = origin")


def _tamper(event_id: int, new_details: str) -> None:
    table = AuditEvent._meta.db_table
    with _bypassing_the_append_only_trigger() as cursor:
        cursor.execute(f"UPDATE {table} SET details = %s WHERE id = %s", [new_details, event_id])


def test_a_changed_row_is_detected() -> None:
    _, second, _ = _three_events()
    _tamper(second.pk, '{"relevant": false}')
    assert AuditEvent.objects.first_broken() == second


def test_a_removed_row_is_detected() -> None:
    _, second, third = _three_events()
    table = AuditEvent._meta.db_table
    with _bypassing_the_append_only_trigger() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [second.pk])
    assert AuditEvent.objects.first_broken() == third


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigger exists on PostgreSQL only")
def test_the_database_refuses_updates_of_audit_rows() -> None:
    event = _three_events()[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEvent._meta.db_table} SET verb = 'x' WHERE id = %s", [event.pk]
        )
