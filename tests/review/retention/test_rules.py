"""Each retention rule deletes exactly what is due (with moved time) and records the run."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from review.models import (
    AuditEvent,
    DeletionRecord,
    Invitation,
    Notification,
    NotificationKind,
    User,
)
from review.retention import rules, tasks
from tests import factories as f

pytestmark = pytest.mark.django_db


def _notification(user: User, key: str) -> Notification:
    return Notification.objects.create(
        kind=NotificationKind.OUTCOME_RECORDED, recipient=user, dedupe_key=key, title="Beschluss"
    )


def _record(data_class: str) -> DeletionRecord:
    return DeletionRecord.objects.get(data_class=data_class)


def test_notifications_go_after_their_period_and_the_run_is_recorded() -> None:
    user = f.make_user()
    start = timezone.now()
    with time_machine.travel(start - timedelta(days=181)):
        old = _notification(user, "old")
    with time_machine.travel(start - timedelta(days=179)):
        young = _notification(user, "young")
    records = rules.apply_rules(start)
    assert list(Notification.objects.all()) == [young]
    assert not Notification.objects.filter(pk=old.pk).exists()
    record = _record("notifications")
    assert (record.count, record.action, record.rule) == (1, "delete", "180 Tage nach Erstellung")
    assert records == [record]
    # Two days later the younger one is due as well.
    rules.apply_rules(start + timedelta(days=2))
    assert not Notification.objects.exists()


def test_invitations_sessions_and_login_attempts_go_after_their_period() -> None:
    person = f.make_user(is_external=True)
    now, head = timezone.now(), f.head()
    Invitation.objects.create(user=person, invited_by=head, created_at=now - timedelta(days=91))
    kept = Invitation.objects.create(user=person, invited_by=head, created_at=now)
    Session.objects.create(
        session_key="a" * 32, session_data="", expire_date=now - timedelta(days=91)
    )
    Session.objects.create(session_key="b" * 32, session_data="", expire_date=now)
    with time_machine.travel(now - timedelta(days=100)):
        AccessAttempt.objects.create(
            username="someone", ip_address="10.0.0.1", failures_since_start=1
        )
    AccessAttempt.objects.create(username="someone", ip_address="10.0.0.2", failures_since_start=1)
    rules.apply_rules(now)
    assert list(Invitation.objects.all()) == [kept]
    assert list(Session.objects.values_list("session_key", flat=True)) == ["b" * 32]
    assert AccessAttempt.objects.count() == 1
    assert _record("invitations").count == 1
    assert _record("sessions_and_logins").count == 2


def test_deactivated_external_accounts_are_anonymised_and_the_audit_chain_still_verifies() -> None:
    now = timezone.now()
    gone = f.beirat_member(username="ayse", first_name="Ayşe", last_name="Yılmaz", email="a@x.de")
    User.objects.filter(pk=gone.pk).update(is_active=False, last_login=now - timedelta(days=400))
    active = f.make_user("still-here", is_external=True)
    review = f.make_review()
    event = f.record_event("beirat.voted", review, actor=gone)
    rules.apply_rules(now)
    gone.refresh_from_db()
    assert gone.username == f"geloescht-{gone.pk}"
    assert (gone.first_name, gone.last_name, gone.email) == ("", "", "")
    assert not gone.has_usable_password()
    assert User.objects.get(pk=active.pk).username == "still-here"
    # The event still names the person by reference; its hash did not cover the name.
    assert AuditEvent.objects.get(pk=event.pk).actor_id == gone.pk
    assert AuditEvent.objects.first_broken() is None
    record = _record("external_accounts")
    assert (record.count, record.action) == (1, "anonymise")
    # Anonymised once: the next run finds nothing more to do.
    rules.apply_rules(now + timedelta(days=1))
    assert DeletionRecord.objects.filter(data_class="external_accounts").count() == 1


def test_a_deletion_record_holds_no_personal_data() -> None:
    gone = f.beirat_member(username="ayse", first_name="Ayşe", email="a@x.de")
    User.objects.filter(pk=gone.pk).update(
        is_active=False, last_login=timezone.now() - timedelta(days=400)
    )
    rules.apply_rules()
    record = _record("external_accounts")
    # Exactly these fields and values: nothing in the record names or numbers the person.
    assert (record.data_class, record.rule, record.action, record.count) == (
        "external_accounts",
        "365 Tage nach Deaktivierung (letzte Anmeldung)",
        "anonymise",
        1,
    )
    names = {field.name for field in DeletionRecord._meta.get_fields()}
    assert names == {"id", "ran_at", "data_class", "rule", "action", "count"}
    assert "ayse" not in record.rule.lower() and gone.email not in record.rule


def test_nothing_due_writes_no_record() -> None:
    _notification(f.make_user(), "fresh")
    assert rules.apply_rules() == []
    assert not DeletionRecord.objects.exists()


def test_the_report_shows_what_is_due_now_and_soon(settings) -> None:
    user = f.make_user()
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=181)):
        _notification(user, "due")
    with time_machine.travel(now - timedelta(days=170)):
        _notification(user, "soon")
    out = io.StringIO()
    call_command("retention_report", "--days", "30", stdout=out)
    line = next(row for row in out.getvalue().splitlines() if row.startswith("notifications"))
    assert line.split()[-2:] == ["1", "1"]
    assert "cases" in out.getvalue() and "nur Bericht" not in out.getvalue()


def test_the_nightly_task_applies_the_rules() -> None:
    with time_machine.travel(timezone.now() - timedelta(days=200)):
        _notification(f.make_user(), "old")
    assert tasks.apply_retention_rules() == 1
    assert settings.CELERY_BEAT_SCHEDULE["retention-apply-rules"]["task"] == "retention.apply_rules"


def test_handed_over_cases_go_after_their_period_counted_from_the_closed_hand_over(
    settings,
) -> None:
    from review.archive import services
    from review.audit.verification import verify_chain
    from review.models import Handover, Review
    from tests.review.archive.conftest import closed_case, evaluation

    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "cases": 30}
    admin = f.administrator()
    now = timezone.now()

    def hand_over(reference: str, *, closed_days_ago: int | None) -> Review:
        case = closed_case(reference)
        handover = services.offer_cases(by=admin)
        decisions: dict[object, str] = {handover.items.get().record_id: "V"}
        services.import_evaluation(
            handover=handover, data=evaluation(handover.process_id, decisions), by=admin
        )
        if closed_days_ago is not None:
            services.confirm_manually(handover=handover, by=admin)
            Handover.objects.filter(pk=handover.pk).update(
                closed_at=now - timedelta(days=closed_days_ago)
            )
        return case

    hand_over("V0001/24", closed_days_ago=31)
    young = hand_over("V0002/24", closed_days_ago=29)
    never = hand_over("V0003/24", closed_days_ago=None)  # the hand-over stays open
    cases_rule = next(rule for rule in rules.RULES if rule.data_class == "cases")
    assert [c.paper.reference for c in cases_rule.due(now)[0]] == ["V0001/24"]
    records = rules.apply_rules(now)
    assert set(Review.objects.values_list("pk", flat=True)) == {young.pk, never.pk}
    record = _record("cases")
    assert records == [record]
    assert (record.count, record.action, record.rule) == (
        1,
        "delete",
        "30 Tage nach Abschluss der Aussonderung",
    )
    assert verify_chain().ok
    # Two days later the younger one is due; the one not handed over never is.
    rules.apply_rules(now + timedelta(days=2))
    assert list(Review.objects.values_list("pk", flat=True)) == [never.pk]
    rules.apply_rules(now + timedelta(days=3650))
    assert list(Review.objects.values_list("pk", flat=True)) == [never.pk]
