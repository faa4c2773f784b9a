"""Notifications: one row per event and person, one e-mail per row, preferences, digest."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from django.urls import reverse

from review.models import Delivery, Notification, NotificationKind, NotificationPreference
from review.notifications import services
from review.notifications.tasks import send_notification_email
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


def _assigned(recipient, review, key: str = "review:1:assigned") -> Notification:
    notification = services.notify(
        kind=NotificationKind.TASK_ASSIGNED,
        recipient=recipient,
        review=review,
        dedupe_key=key,
        context={"task": "Stellungnahme entwerfen"},
        link="/benachrichtigungen/",
    )
    assert notification is not None
    return notification


def test_an_event_notifies_a_person_in_app_and_by_email(django_capture_on_commit_callbacks):
    officer = f.officer()
    review = f.make_review(f.make_paper(reference="V0815/26"))
    with django_capture_on_commit_callbacks(execute=True):
        notification = _assigned(officer, review)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.emailed_at is not None
    assert notification.title == "Neue Aufgabe zur Vorlage V0815/26: Stellungnahme entwerfen"
    [message] = mail.outbox
    assert (
        message.subject == "Stellwerk: Neue Aufgabe zur Vorlage V0815/26: Stellungnahme entwerfen"
    )
    assert "Sie haben eine neue Aufgabe in Stellwerk" in message.body
    assert "Sprachförderung in Kitas" in message.body
    assert isinstance(message, EmailMultiAlternatives)
    html = str(message.alternatives[0][0])
    assert "<a href=" in html and "V0815/26" in html
    assert message.extra_headers["Message-ID"].startswith(
        f"<stellwerk-notification-{notification.pk}@"
    )


def test_subjects_carry_no_personal_data(django_capture_on_commit_callbacks):
    officer = f.officer(first_name="Jonas", last_name="Weber")
    review = f.make_review(assignee=officer)
    with django_capture_on_commit_callbacks(execute=True):
        _assigned(officer, review)
    subject = mail.outbox[0].subject
    assert "Jonas" not in subject and "Weber" not in subject and officer.email not in subject


def test_the_same_event_notifies_once_even_when_raised_again(django_capture_on_commit_callbacks):
    officer = f.officer()
    review = f.make_review()
    with django_capture_on_commit_callbacks(execute=True):
        first = _assigned(officer, review)
        second = _assigned(officer, review)
    assert first.pk == second.pk
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_retried_or_redelivered_task_sends_no_second_mail(django_capture_on_commit_callbacks):
    officer = f.officer()
    with django_capture_on_commit_callbacks(execute=True):
        notification = _assigned(officer, f.make_review())
    assert len(mail.outbox) == 1
    # The broker delivers the same message again; the task finds the row already sent.
    assert send_notification_email.apply(args=(notification.pk,)).get() is False
    assert services.deliver_notification(notification_id=notification.pk) is False
    assert len(mail.outbox) == 1


def test_a_failed_delivery_gives_the_claim_back_and_the_retry_sends_once(settings):
    officer = f.officer()
    notification = _assigned(officer, f.make_review())
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    with pytest.raises(services.MAIL_ERRORS):
        services.deliver_notification(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.PENDING
    assert notification.last_error
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    assert services.deliver_notification(notification_id=notification.pk) is True
    assert services.deliver_notification(notification_id=notification.pk) is False
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.attempts == 2


def test_a_person_who_switched_a_kind_off_gets_no_email_but_sees_it_in_the_app(
    client: Client, django_capture_on_commit_callbacks
):
    officer = f.officer()
    NotificationPreference.objects.create(
        user=officer, kind=NotificationKind.TASK_ASSIGNED, delivery=Delivery.OFF
    )
    with django_capture_on_commit_callbacks(execute=True):
        notification = _assigned(officer, f.make_review(f.make_paper(reference="V1/26")))
    assert notification.status == Notification.Status.NO_EMAIL
    assert mail.outbox == []
    client.force_login(officer)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Neue Aufgabe zur Vorlage V1/26" in page


def test_the_daily_digest_bundles_what_waits_and_is_sent_once(django_capture_on_commit_callbacks):
    officer = f.officer()
    for kind in (NotificationKind.TASK_ASSIGNED, NotificationKind.OUTCOME_RECORDED):
        NotificationPreference.objects.create(user=officer, kind=kind, delivery=Delivery.DIGEST)
    first = f.make_review(f.make_paper(reference="V100/26"))
    second = f.make_review(f.make_paper(reference="V200/26"))
    with django_capture_on_commit_callbacks(execute=True):
        _assigned(officer, first, key="a")
        _assigned(officer, second, key="b")
        services.notify(
            kind=NotificationKind.OUTCOME_RECORDED,
            recipient=officer,
            review=first,
            dedupe_key="review:outcome",
        )
    assert mail.outbox == []
    assert services.users_waiting_for_digest() == [officer.pk]
    assert services.deliver_digest(user_id=officer.pk) == 3
    assert services.deliver_digest(user_id=officer.pk) == 0
    [digest] = mail.outbox
    assert digest.subject == "Stellwerk: Ihre tägliche Zusammenfassung (3 Meldungen)"
    assert "Neue Aufgabe zur Vorlage V100/26" in digest.body
    assert "Neue Aufgabe zur Vorlage V200/26" in digest.body
    assert "Beschluss erfasst: Vorlage V100/26" in digest.body
    assert set(Notification.objects.values_list("status", flat=True)) == {"in_digest"}


def test_due_soon_reminds_the_assignee_once_per_deadline(django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    officer = f.officer()
    today = timezone.localdate()
    f.make_review(assignee=officer, deadline=today + timedelta(days=2))
    f.make_review(assignee=officer, deadline=today + timedelta(days=30))
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_due_soon(today=today)
        services.notify_due_soon(today=today)
    assert Notification.objects.filter(kind=NotificationKind.DUE_SOON).count() == 1


def test_an_inactive_person_is_not_notified():
    officer = f.officer(is_active=False)
    assert (
        services.notify(kind=NotificationKind.TASK_ASSIGNED, recipient=officer, dedupe_key="x")
        is None
    )


def test_preferences_are_saved_per_kind(client: Client):
    officer = f.officer()
    client.force_login(officer)
    data = {kind.value: Delivery.IMMEDIATELY.value for kind in NotificationKind}
    data[NotificationKind.DUE_SOON.value] = Delivery.OFF.value
    response = client.post(reverse("notifications:preferences"), data)
    assert response.status_code == 302
    assert (
        NotificationPreference.objects.delivery_for(officer.pk, NotificationKind.DUE_SOON)
        == Delivery.OFF
    )


def test_the_unread_count_and_marking_read(client: Client):
    officer = f.officer()
    notification = _assigned(officer, f.make_review())
    client.force_login(officer)
    response = client.get(reverse("notifications:list"))
    assert response.context["unread_notification_count"] == 1
    client.get(reverse("notifications:open", args=(notification.pk,)))
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_nobody_opens_another_persons_notification(client: Client):
    notification = _assigned(f.officer(), f.make_review())
    client.force_login(f.head())
    assert client.get(reverse("notifications:open", args=(notification.pk,))).status_code == 404


def test_a_row_stuck_in_sending_is_marked_failed_not_sent_again() -> None:
    from datetime import timedelta

    from django.utils import timezone

    notification = _assigned(f.officer(), f.make_review())
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.SENDING, claimed_at=timezone.now() - timedelta(hours=2)
    )
    assert services.give_up_stuck() == 1
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert services.deliver_notification(notification_id=notification.pk) is False
    assert mail.outbox == []


def test_a_clerk_chooses_to_receive_statements_as_word_files_too(client: Client):
    clerk = f.clerk()
    client.force_login(clerk)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "Stellungnahmen per E-Mail" in page
    data = {kind.value: Delivery.IMMEDIATELY.value for kind in NotificationKind}
    data["statement_formats"] = "pdf_docx"
    assert client.post(reverse("notifications:preferences"), data).status_code == 302
    clerk.refresh_from_db()
    assert clerk.wants_docx is True
    officer = f.officer()
    client.force_login(officer)
    assert (
        "Stellungnahmen per E-Mail"
        not in client.get(reverse("notifications:preferences")).content.decode()
    )


def test_how_many_days_ahead_due_dates_are_announced_is_a_setting(settings):
    from datetime import timedelta

    from django.utils import timezone

    officer = f.officer()
    today = timezone.localdate()
    f.make_review(assignee=officer, deadline=today + timedelta(days=6))
    settings.NOTIFY_DUE_SOON_DAYS = 3
    assert services.notify_due_soon(today=today) == 0
    settings.NOTIFY_DUE_SOON_DAYS = 7
    assert services.notify_due_soon(today=today) == 1


def test_each_person_chooses_how_many_days_ahead_they_hear_of_a_deadline(settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.NOTIFY_DUE_SOON_DAYS = 3
    early, default = f.officer(username="frueh", due_soon_days=10), f.officer(username="normal")
    today = timezone.localdate()
    f.make_review(assignee=early, deadline=today + timedelta(days=8))
    f.make_review(assignee=default, deadline=today + timedelta(days=8))
    f.make_review(assignee=default, deadline=today + timedelta(days=2))
    assert services.notify_due_soon(today=today) == 2
    assert sorted(Notification.objects.values_list("recipient__username", "review__deadline")) == [
        ("frueh", today + timedelta(days=8)),
        ("normal", today + timedelta(days=2)),
    ]


def test_the_days_of_notice_are_set_on_the_preferences_page() -> None:
    officer = f.officer()
    client = f.logged_in_client(officer)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert 'name="notice_days"' in page and 'value="3"' in page
    assert "Vorlauf vor einer Frist (Tage)" in page
    form = {kind.value: "digest" for kind in NotificationKind}
    client.post(reverse("notifications:preferences"), {**form, "notice_days": "14"})
    officer.refresh_from_db()
    assert officer.due_soon_days == 14
    refused = client.post(reverse("notifications:preferences"), {**form, "notice_days": "0"})
    assert refused.status_code == 200
    officer.refresh_from_db()
    assert officer.due_soon_days == 14


def test_clerks_and_beirat_members_are_not_asked_for_days_of_notice() -> None:
    page = f.logged_in_client(f.clerk()).get(reverse("notifications:preferences"))
    assert 'name="notice_days"' not in page.content.decode()
