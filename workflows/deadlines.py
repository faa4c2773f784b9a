"""Due dates of the human steps, derived from the review's deadline.

Computed, not stored: the timers (`.OnTimeout`) and the lists use the same function, and a
deadline the sync moves later is reflected in the lists at once.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from review.models import Review

# Days before the review's deadline by which each step should be done, and the fallback
# duration from the task's creation when the review has no deadline (e.g. a manual paper).
STEP_BEFORE_DEADLINE = {
    "triage": 14,
    "assign": 12,
    "draft": 5,
    "approve": 2,
    "outcome": -30,  # the committee decides after the deadline; a month to record it
}
STEP_FALLBACK_DAYS = {"triage": 3, "assign": 2, "draft": 10, "approve": 3, "outcome": 60}


def escalation_grace_days() -> int:
    """Days after a step's due date until the deputy is alerted (read when a timer is set)."""
    return int(settings.WORKFLOW_ESCALATION_GRACE_DAYS)


def step_due_date(step: str, review: Review, created: datetime) -> date | None:
    """The date a step of this review should be finished by; None for steps without one."""
    if step not in STEP_BEFORE_DEADLINE:
        return None
    created_on = timezone.localdate(created)
    fallback = created_on + timedelta(days=STEP_FALLBACK_DAYS[step])
    if review.deadline is None:
        return fallback
    due = review.deadline - timedelta(days=STEP_BEFORE_DEADLINE[step])
    if step == "draft" and review.shared_with_beirat and review.beirat_deadline:
        due = min(due, review.beirat_deadline)
    # Never earlier than the day the task appeared: a short deadline makes it due at once.
    return max(due, created_on)


def end_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59)))


def urgency(due: date | None, today: date | None = None, *, days: int | None = None) -> str:
    """Badge for lists: "overdue", "due_soon" or "" (nothing to mark). `days`: the viewer's
    `User.notice_days`; without one, the installation's NOTIFY_DUE_SOON_DAYS."""
    if due is None:
        return ""
    today = today or timezone.localdate()
    if due < today:
        return "overdue"
    if due <= today + timedelta(days=settings.NOTIFY_DUE_SOON_DAYS if days is None else days):
        return "due_soon"
    return ""
