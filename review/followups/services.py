"""Opening follow-ups on decided cases, their status, and reminders when one is overdue."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from review.models import AuditEvent, AuditVerb, FollowUp, Organization, Review, User
from review.notifications import events

NOT_DECIDED = _("A follow-up can be opened only once the committee's decision is recorded.")
TASK_REQUIRED = _("Please describe what the lead office has to do.")
DUE_IN_PAST = _("The due date lies in the past.")
ASSIGNEE_INACTIVE = _("The person asked no longer has an active account.")
NOT_YOURS = _("This follow-up is addressed to someone else.")
NOTE_REQUIRED = _("Please say in a note why the decision was not implemented.")
ALREADY_CLOSED = _("This follow-up is already closed.")
# Task names are stored in German; the notification list translates them (locale/en).
TASK_NAME = gettext_noop("Umsetzung eines Beschlusses")


class FollowUpError(Exception):
    pass


def is_decided(review: Review) -> bool:
    return bool(review.decision_result or review.outcome or review.decided_at)


def _link(follow_up: FollowUp) -> str:
    return reverse("followups:detail", args=[follow_up.pk])


@transaction.atomic
def open_follow_up(
    *,
    review: Review,
    task: str,
    due_date: date,
    assignee: User,
    by: User,
    lead_office: Organization | None = None,
) -> FollowUp:
    task = task.strip()
    if not is_decided(review):
        raise FollowUpError(NOT_DECIDED)
    if not task:
        raise FollowUpError(TASK_REQUIRED)
    if due_date < timezone.localdate():
        raise FollowUpError(DUE_IN_PAST)
    if not assignee.is_active:
        raise FollowUpError(ASSIGNEE_INACTIVE)
    if lead_office is None:
        lead_office = review.paper.under_direction_of.first()
    follow_up = FollowUp.objects.create(
        review=review,
        task=task,
        due_date=due_date,
        assignee=assignee,
        lead_office=lead_office,
        created_by=by,
    )
    AuditEvent.record(
        AuditVerb.FOLLOWUP_OPENED,
        actor=by,
        obj=follow_up,
        review=review,
        details={"due_date": due_date, "assignee": assignee.get_username()},
    )
    transaction.on_commit(
        lambda: events.task_assigned(
            review=review,
            assignee=assignee,
            task_name=TASK_NAME,
            task_key=f"followup:{follow_up.pk}",
            link=_link(follow_up),
        )
    )
    return follow_up


@transaction.atomic
def set_status(*, follow_up: FollowUp, status: str, note: str, by: User) -> FollowUp:
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if not follow_up.may_be_updated_by(by):
        raise FollowUpError(NOT_YOURS)
    if not follow_up.is_open:
        raise FollowUpError(ALREADY_CLOSED)
    note = note.strip()
    if status == FollowUp.Status.NOT_DONE and not note:
        raise FollowUpError(NOTE_REQUIRED)
    previous = follow_up.status
    follow_up.status = status
    if note:
        follow_up.note = note
    if not follow_up.is_open:
        follow_up.closed_at = timezone.now()
    follow_up.save()
    AuditEvent.record(
        AuditVerb.FOLLOWUP_STATUS_CHANGED,
        actor=by,
        obj=follow_up,
        review=follow_up.review,
        details={"from": previous, "to": status, "note": note},
    )
    return follow_up


def remind_overdue(today: date | None = None) -> int:
    """Tell the person asked, and whoever opened it, once per follow-up that passed its date."""
    today = today or timezone.localdate()
    overdue = (
        FollowUp.objects.overdue(today)
        .filter(reminded_on__isnull=True)
        .select_related("review__paper", "assignee", "created_by")
    )
    sent = 0
    for follow_up in overdue:
        with transaction.atomic():
            for person in {follow_up.assignee, follow_up.created_by}:
                events.task_overdue(
                    review=follow_up.review,
                    recipient=person,
                    task_name=TASK_NAME,
                    task_key=f"followup:{follow_up.pk}",
                    escalated=False,
                    link=_link(follow_up),
                )
            FollowUp.objects.filter(pk=follow_up.pk).update(reminded_on=today)
            AuditEvent.record(
                AuditVerb.FOLLOWUP_OVERDUE,
                actor_label="system",
                obj=follow_up,
                review=follow_up.review,
                details={"due_date": follow_up.due_date},
            )
            sent += 1
    return sent
