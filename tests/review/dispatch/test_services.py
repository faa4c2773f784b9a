"""Dispatching a released statement: who gets it, with which files, and never twice."""

from __future__ import annotations

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from review.dispatch import services
from review.dispatch.tasks import send_dispatch
from review.models import AuditEvent, Dispatch, Notification, NotificationKind, Review, User
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def committee():
    return f.make_organization("Ausschuss für Soziales")


@pytest.fixture
def clerk(committee):
    person = f.clerk(first_name="Clara", last_name="Klerk")
    person.organizations.add(committee)
    return person


@pytest.fixture
def review(committee):
    return f.make_released_review(
        f.make_paper("Sprachförderung in Kitas", reference="V2345/24"), committee=committee
    )


def _dispatch(review, by=None, **kwargs):
    documents = kwargs.pop("documents", None) or [f.make_statement_files(review)]
    return services.dispatch_statement(
        review=review, by=by or _head(), documents=documents, **kwargs
    )


def _head():
    return User.objects.filter(username="head").first() or f.head()


def _attachments(message) -> list[tuple[str, str]]:
    return [(name, content_type) for name, _content, content_type in message.attachments]


def test_the_clerks_of_the_consulted_committees_and_the_office_address_are_chosen(
    review, committee, clerk
) -> None:
    committee.email = "soziales@stadt.example"
    committee.save()
    other = f.clerk(username="bauclerk")
    other.organizations.add(f.make_organization("Bauausschuss"))
    retired = f.clerk(username="retired", is_active=False)
    retired.organizations.add(committee)
    f.beirat_member()  # the case is not shared with the Beirat

    chosen = services.recipients_for(review)

    assert [(a.email, a.audience, a.organization) for a in chosen] == [
        (clerk.email, "clerk", committee),
        ("soziales@stadt.example", "clerk", committee),
    ]


def test_the_beirat_gets_shared_cases_on_public_papers_only(review, clerk) -> None:
    member = f.beirat_member()
    review.shared_with_beirat = True
    review.save()
    assert [a.email for a in services.recipients_for(review) if a.audience == "beirat"] == [
        member.email
    ]
    review.paper.is_public = False
    review.paper.save()
    assert [a.audience for a in services.recipients_for(review)] == ["clerk"]


def test_the_mail_carries_the_pdf_and_the_docx_only_where_wanted(
    review, committee, clerk, django_capture_on_commit_callbacks
) -> None:
    committee.email = "soziales@stadt.example"
    committee.wants_docx = True
    committee.save()

    with django_capture_on_commit_callbacks(execute=True):
        dispatches = _dispatch(review)

    assert len(dispatches) == 2
    by_address = {m.to[0]: m for m in mail.outbox}
    assert _attachments(by_address[clerk.email]) == [("V2345-24_Stellungnahme_committee.pdf", PDF)]
    assert _attachments(by_address["soziales@stadt.example"]) == [
        ("V2345-24_Stellungnahme_committee.pdf", PDF),
        ("V2345-24_Stellungnahme_committee.docx", DOCX),
    ]
    message = by_address[clerk.email]
    assert message.attachments[0][1].startswith(b"%PDF")
    # No personal data in the subject; the public reference only.
    assert message.subject == "Stellungnahme zur Vorlage V2345/24"
    assert isinstance(message, EmailMultiAlternatives)
    assert "Eingang in Stellwerk bestätigen" in str(message.alternatives[0][0])
    assert f"/gremien/#vorgang-{review.pk}" in message.body
    assert "Sprachförderung in Kitas" in message.body


def test_a_clerk_who_wants_word_files_gets_the_docx_and_without_a_pdf_everyone_does(
    review, clerk, django_capture_on_commit_callbacks
) -> None:
    clerk.wants_docx = True
    clerk.save()
    with django_capture_on_commit_callbacks(execute=True):
        _dispatch(review, documents=[f.make_statement_files(review)])
    assert [ct for _n, ct in _attachments(mail.outbox[0])] == [PDF, DOCX]

    plain = f.clerk(username="plain")
    plain.organizations.add(clerk.organizations.first())
    other = f.make_released_review(committee=clerk.organizations.first())
    with django_capture_on_commit_callbacks(execute=True):
        _dispatch(other, documents=[f.make_statement_files(other, pdf=False)])
    sent = {m.to[0]: [ct for _n, ct in _attachments(m)] for m in mail.outbox[1:]}
    assert sent == {clerk.email: [DOCX], plain.email: [DOCX]}


def test_the_beirat_gets_the_beirat_document(
    review, clerk, django_capture_on_commit_callbacks
) -> None:
    member = f.beirat_member()
    review.shared_with_beirat = True
    review.save()
    documents = [f.make_statement_files(review), f.make_statement_files(review, kind="beirat")]
    with django_capture_on_commit_callbacks(execute=True):
        _dispatch(review, documents=documents)
    by_address = {m.to[0]: m for m in mail.outbox}
    assert _attachments(by_address[member.email]) == [("V2345-24_Stellungnahme_beirat.pdf", PDF)]
    assert _attachments(by_address[clerk.email]) == [("V2345-24_Stellungnahme_committee.pdf", PDF)]
    assert f"/beirat/vorgang/{review.pk}/" in by_address[member.email].body


def test_dispatching_records_status_audit_and_sets_the_review_dispatched(
    review, clerk, django_capture_on_commit_callbacks
) -> None:
    head = f.head()
    with django_capture_on_commit_callbacks(execute=True):
        (dispatch,) = _dispatch(review, by=head)
    dispatch.refresh_from_db()
    review.refresh_from_db()
    assert review.status == Review.Status.DISPATCHED
    assert dispatch.status == Dispatch.Status.SENT and dispatch.sent_at is not None
    assert dispatch.recipient == clerk and dispatch.created_by == head
    verbs = list(AuditEvent.objects.filter(review=review).values_list("verb", flat=True))
    assert verbs == ["statement.dispatched", "dispatch.sent"]
    sent = AuditEvent.objects.get(verb="dispatch.sent")
    assert sent.actor == head
    assert sent.details["attachments"] == ["V2345-24_Stellungnahme_committee.pdf"]


def test_dispatching_again_or_running_the_task_again_sends_nothing_twice(
    review, clerk, django_capture_on_commit_callbacks
) -> None:
    documents = [f.make_statement_files(review)]
    with django_capture_on_commit_callbacks(execute=True):
        first = _dispatch(review, documents=documents)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = _dispatch(review, documents=documents)
    assert [d.pk for d in first] == [d.pk for d in second]
    assert callbacks == []
    # A retried or redelivered task finds the row already sent.
    assert send_dispatch.apply(args=(first[0].pk,)).get() is False
    assert services.deliver_dispatch(dispatch_id=first[0].pk) is False
    assert len(mail.outbox) == 1
    first[0].refresh_from_db()
    assert first[0].attempts == 1
    assert AuditEvent.objects.filter(verb="dispatch.sent").count() == 1


def test_a_mail_server_error_gives_the_row_back_for_the_retry(
    review, clerk, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        (dispatch,) = _dispatch(review)

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Verbindung verloren")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        services.deliver_dispatch(dispatch_id=dispatch.pk)
    dispatch.refresh_from_db()
    assert dispatch.status == Dispatch.Status.PENDING
    assert dispatch.error == "Verbindung verloren"

    services.mark_failed(dispatch_id=dispatch.pk, error="Verbindung verloren")
    dispatch.refresh_from_db()
    assert dispatch.status == Dispatch.Status.FAILED
    assert AuditEvent.objects.filter(verb="dispatch.failed", review=review).exists()
    monkeypatch.undo()
    assert services.deliver_dispatch(dispatch_id=dispatch.pk) is False
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("status", "message"),
    [(Review.Status.APPROVAL, services.NOT_RELEASED), (Review.Status.DRAFTING, "schlussgez")],
)
def test_a_statement_that_is_not_approved_is_not_dispatched(review, clerk, status, message):
    review.status = status
    review.save()
    with pytest.raises(services.DispatchError, match=str(message)):
        _dispatch(review)
    assert not Dispatch.objects.exists()


def test_without_documents_or_recipients_nothing_is_dispatched(review, committee, clerk) -> None:
    with pytest.raises(services.DispatchError, match=str(services.NO_DOCUMENTS)):
        services.dispatch_statement(review=review, by=_head(), documents=[])
    # Without a finished document of the current version there is nothing to attach.
    with pytest.raises(services.DispatchError, match=str(services.NO_DOCUMENTS)):
        services.dispatch_statement(review=review, by=_head())
    clerk.organizations.clear()
    # No recipients: nothing is sent, the flow goes on, the office is shown why.
    assert _dispatch(review) == []
    assert _dispatch(review) == []
    review.refresh_from_db()
    assert review.status == Review.Status.APPROVED
    assert AuditEvent.objects.filter(verb="dispatch.no_recipients", review=review).count() == 1
    html = render_to_string("dispatch/_review_dispatches.html", {"review": review})
    assert str(services.NO_RECIPIENTS) in html


def test_the_dispatch_mail_is_the_released_notification_no_second_mail(
    review, clerk, django_capture_on_commit_callbacks
) -> None:
    review.shared_with_beirat = True
    review.paper.is_public = False  # the Beirat gets no files, only the notification
    review.paper.save()
    review.save()
    member = f.beirat_member()
    with django_capture_on_commit_callbacks(execute=True):
        _dispatch(review)
    released = {
        n.recipient_id: n
        for n in Notification.objects.filter(kind=NotificationKind.STATEMENT_RELEASED)
    }
    assert released[clerk.pk].status == Notification.Status.NO_EMAIL
    assert released[member.pk].status == Notification.Status.SENT
    assert sorted(m.to[0] for m in mail.outbox) == sorted([clerk.email, member.email])
    to_member = next(m for m in mail.outbox if m.to == [member.email])
    assert to_member.attachments == []


def test_the_clerk_confirms_receipt_once(review, clerk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        (dispatch,) = _dispatch(review)
    confirmed = services.confirm_receipt(dispatch=dispatch, by=clerk)
    first_time = confirmed.confirmed_at
    assert first_time is not None and confirmed.confirmed_by == clerk
    again = services.confirm_receipt(dispatch=dispatch, by=clerk)
    assert again.confirmed_at == first_time
    events = AuditEvent.objects.filter(verb="receipt.confirmed", review=review)
    assert [e.actor for e in events] == [clerk]


def test_only_the_addressed_clerk_confirms_and_only_after_sending(review, clerk, committee):
    colleague_elsewhere = f.clerk(username="elsewhere")
    colleague_elsewhere.organizations.add(f.make_organization("Bauausschuss"))
    pending = f.make_dispatch(review, clerk, status=Dispatch.Status.PENDING, sent_at=None)
    with pytest.raises(services.DispatchError, match=str(services.NOT_SENT)):
        services.confirm_receipt(dispatch=pending, by=clerk)
    other_review = f.make_released_review(committee=committee)
    sent = f.make_dispatch(other_review, clerk)
    with pytest.raises(services.DispatchError, match=str(services.NOT_ADDRESSEE)):
        services.confirm_receipt(dispatch=sent, by=colleague_elsewhere)
    # The committee's office address: any clerk of that committee confirms it.
    colleague = f.clerk(username="colleague")
    colleague.organizations.add(committee)
    office = f.make_dispatch(
        other_review, None, email="soziales@stadt.example", organization=committee
    )
    assert services.confirm_receipt(dispatch=office, by=colleague).confirmed_by == colleague


def test_unconfirmed_receipts_are_overdue_after_the_configured_days(
    review, clerk, committee, settings
) -> None:
    settings.DISPATCH_CONFIRM_DAYS = 3
    now = timezone.now()
    old = f.make_dispatch(review, clerk, sent_at=now - timedelta(days=4))
    fresh_review = f.make_released_review(committee=committee)
    fresh = f.make_dispatch(fresh_review, clerk, sent_at=now - timedelta(days=1))
    confirmed_review = f.make_released_review(committee=committee)
    confirmed = f.make_dispatch(
        confirmed_review,
        clerk,
        sent_at=now - timedelta(days=9),
        confirmed_at=now,
        confirmed_by=clerk,
    )
    overdue = Dispatch.objects.unconfirmed_overdue()
    assert list(overdue) == [old]
    annotated = Dispatch.objects.with_overdue_flag()
    flags = {d.pk: d.overdue for d in annotated}  # type: ignore[attr-defined]
    assert flags == {old.pk: True, fresh.pk: False, confirmed.pk: False}


def test_a_near_committee_meeting_makes_a_fresh_receipt_overdue(
    review, clerk, committee, settings
) -> None:
    settings.DISPATCH_MEETING_WARNING_DAYS = 2
    dispatch = f.make_dispatch(review, clerk, sent_at=timezone.now())
    meeting = f.make_meeting(committee, start=timezone.now() + timedelta(days=5))
    review.paper.consultations.update(meeting=meeting)
    assert not Dispatch.objects.unconfirmed_overdue().exists()
    meeting.start = timezone.now() + timedelta(days=1)
    meeting.save()
    assert list(Dispatch.objects.unconfirmed_overdue()) == [dispatch]


def test_overdue_receipts_are_flagged_to_the_assignee_once(
    review, clerk, django_capture_on_commit_callbacks
) -> None:
    assignee = f.officer()
    review.assignee = assignee
    review.save()
    f.make_dispatch(review, clerk, sent_at=timezone.now() - timedelta(days=10))
    f.make_dispatch(
        review, clerk, email="zweite@stadt.example", sent_at=timezone.now() - timedelta(days=10)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.flag_unconfirmed() == 1
        services.flag_unconfirmed()
    (notification,) = Notification.objects.filter(kind=NotificationKind.OVERDUE)
    assert notification.recipient == assignee
    assert notification.context["unconfirmed"] == 2
    assert notification.link == f"/vorgaenge/{review.pk}/"
    assert [m.to for m in mail.outbox] == [[assignee.email]]
    assert services.UNCONFIRMED_TASK in mail.outbox[0].body


def test_without_an_assignee_the_beauftragte_hear_of_it(review, clerk) -> None:
    head = f.head()
    f.make_dispatch(review, clerk, sent_at=timezone.now() - timedelta(days=10))
    services.flag_unconfirmed()
    assert list(Notification.objects.values_list("recipient", flat=True)) == [head.pk]


def test_the_overdue_check_is_scheduled_daily_on_the_notifications_queue(settings) -> None:
    from config.celery import app

    for name in ("dispatch-flag-unconfirmed", "dispatch-housekeeping"):
        assert settings.CELERY_BEAT_SCHEDULE[name]["task"] in app.tasks
    assert app.amqp.router.route({}, "dispatch.send")["queue"].name == "notifications"


def test_the_admin_lists_dispatches_read_only(review, clerk, client) -> None:
    f.make_dispatch(review, clerk)
    admin = User.objects.create_superuser("root", "root@example.org", f.PASSWORD)
    client.force_login(admin)
    response = client.get("/admin/review/dispatch/")
    assert response.status_code == 200
    assert clerk.email in response.content.decode()
    assert client.get("/admin/review/dispatch/add/").status_code == 403


def test_a_mail_lost_with_its_worker_is_marked_failed_and_the_office_resends_it(
    review, clerk, django_capture_on_commit_callbacks
) -> None:
    stuck = f.make_dispatch(review, clerk, status=Dispatch.Status.SENDING, sent_at=None)
    Dispatch.objects.filter(pk=stuck.pk).update(claimed_at=timezone.now() - timedelta(hours=2))
    assert services.give_up_stuck() == 1
    stuck.refresh_from_db()
    assert stuck.status == Dispatch.Status.FAILED
    assert stuck.error == "Versand abgebrochen (Worker beendet)"

    head = _head()
    with django_capture_on_commit_callbacks(execute=True):
        services.resend_dispatch(dispatch=stuck, by=head)
    stuck.refresh_from_db()
    assert stuck.status == Dispatch.Status.SENT
    assert [m.to for m in mail.outbox] == [[clerk.email]]
    assert AuditEvent.objects.filter(verb="dispatch.resent", actor=head).exists()
    with pytest.raises(services.DispatchError, match=str(services.NOT_FAILED)):
        services.resend_dispatch(dispatch=stuck, by=head)


def test_the_mail_names_the_committee_and_its_meeting_in_full_but_not_in_the_subject(
    review, clerk, django_capture_on_commit_callbacks
) -> None:
    committee = clerk.organizations.get()
    committee.name, committee.short_name = "Integrationsausschuss", "IA"
    committee.save()
    meeting = f.make_meeting(committee, name="Sitzung des Integrationsausschusses")
    review.paper.consultations.update(meeting=meeting)
    with django_capture_on_commit_callbacks(execute=True):
        _dispatch(review)
    message = mail.outbox[0]
    assert isinstance(message, EmailMultiAlternatives)
    day = timezone.localtime(meeting.start).strftime("%d.%m.%Y")
    for text in (message.body, str(message.alternatives[0][0])):
        assert "für das Gremium „Integrationsausschuss (IA)“" in text
        assert "Integrationsausschuss (IA)" in text
        assert f"Sitzung des Integrationsausschusses am {day}" in text
    assert "„IA“" not in message.body
    assert message.subject == "Stellungnahme zur Vorlage V2345/24"
