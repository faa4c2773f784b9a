"""Periodic jobs of the workflow (scheduled by celery beat, see CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task
from viewflow.workflow.timers import fire_due_timers

from .documents import complete_finished
from .flows import start_missing
from .participation import settle_due


@shared_task(name="workflows.fire_timers")
def fire_timers() -> dict[str, int]:
    """Due reminders/escalations (`.OnTimeout`), participations whose due date passed, and cases
    waiting for documents that are finished.

    Safe to run concurrently and repeatedly: timers are claimed under the flow lock and
    participation branches only complete while they still wait.
    """
    return {
        "timers": fire_due_timers(),
        "participations": settle_due(),
        "started": start_missing(),
        "documents": complete_finished(),
    }
