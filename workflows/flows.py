"""ReviewFlow: the path of one Vorlage through the office, as a viewflow process.

Business data lives in `review` (Review, Statement, …) and changes only through its services;
the flow records who has to do what next. Each human step names its page here, as viewflow's
`flow.View(view)` does; the pages live in `workflows/views/` and are served under our own URL
(`/aufgaben/<task>/`, see `workflows/views/tasks.py`), not mounted with viewflow's FlowViewset.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.activation import Activation
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from review.documents.tasks import warm_statement_previews
from review.models import Review, User
from review.models.expressions import CompiledQuery
from review.statements.services import close_participation, is_drafter

from . import deadlines, documents, reminders
from .models import ReviewProcess, review_of


def _review(activation: Activation) -> Review:
    # Fresh from the database: the services change the review through their own locked row,
    # so an instance cached on the process would show the state before the step. With the
    # paper, which the services' audit entries name.
    return Review.objects.select_related("paper").get(pk=activation.process.review_id)


# The gateways, assignments and timers read the case (and a timer its host task) on every step
# of every case: these queries are compiled once per process and read anew on every call
# (review/models/expressions.py). Without the paper, which none of them needs.
_CASE = CompiledQuery(lambda pk: Review.objects.filter(pk=pk))
_HOST_TASK = CompiledQuery(
    # `task.previous.first()`: the task a boundary timer is attached to.
    lambda pk: Task.objects.filter(leading=pk).order_by(*Task._meta.ordering)[:1]
)


def _case(activation: Activation) -> Review:
    """The review fresh from the database (see `_review`), for a condition or a due date."""
    review = _CASE.get(activation.process.review_id)
    if review is None:  # pragma: no cover - the process protects its review from deletion
        raise Review.DoesNotExist(activation.process.review_id)
    return review


def _due(activation: Activation, *, grace_days: int = 0) -> datetime:
    """When the timeout boundary of a human step fires: end of its due day (+ grace)."""
    host = _HOST_TASK.get(activation.task.pk)
    created = host.created if host is not None else timezone.now()
    due = deadlines.step_due_date(
        activation.flow_task._attached_to.name, _case(activation), created
    )
    if due is None:  # pragma: no cover - only steps with a due date get timeouts
        due = timezone.localdate(created)
    return deadlines.end_of_day(due) + timedelta(days=grace_days)


def _reminder_due(activation: Activation) -> datetime:
    return _due(activation)


def _escalation_due(activation: Activation) -> datetime:
    return _due(activation, grace_days=deadlines.escalation_grace_days())


def _granted(user: Any, task: Task) -> bool:
    """The step's permission held through a role, not merely through the superuser flag."""
    if not getattr(user, "is_superuser", False) or not task.owner_permission:
        return True
    return task.owner_permission in user.granted_permissions()


class OfficeView(flow.View):
    """A human step; an absent owner's deputy may act in their place.

    The page is given as a dotted path: the views import this module (to compare nodes), so the
    flow names them the way Django's URLconfs once did and imports them on first use.
    """

    @property
    def view(self) -> Any:
        return import_string(self._view) if isinstance(self._view, str) else super().view

    def can_assign(self, user: Any, task: Task) -> bool:
        return super().can_assign(user, task) and _granted(user, task)

    def can_execute(self, user: Any, task: Task) -> bool:
        if not _granted(user, task):
            return False
        # The owner's own task, told by the key: viewflow's check reads the owner's row first.
        if task.owner_id is not None and task.owner_id == getattr(user, "pk", None):
            return True
        if super().can_execute(user, task):
            return True
        owner = task.owner
        return bool(owner is not None and owner.acting_person().pk == getattr(user, "pk", None))


class ApprovalView(OfficeView):
    """Schlusszeichnung: nobody who wrote a version of the statement may take or do it."""

    def can_assign(self, user: Any, task: Task) -> bool:
        return super().can_assign(user, task) and not is_drafter(review=review_of(task), user=user)

    def can_execute(self, user: Any, task: Task) -> bool:
        return super().can_execute(user, task) and not is_drafter(review=review_of(task), user=user)


def _with_deadline(node: flow.View, then_remind: Any, then_escalate: Any) -> flow.View:
    return node.OnTimeout(
        _reminder_due, then_remind, interrupting=False, title=_("Reminder")
    ).OnTimeout(_escalation_due, then_escalate, interrupting=False, title=_("Escalation"))


class ReviewFlow(flow.Flow):
    """Prüfung einer Vorlage

    Sichtung, Zuweisung, Entwurf, Beteiligung, Schlusszeichnung, Dokumente, Versand, Beschluss.
    """

    process_class = ReviewProcess
    # Row lock on the process; on SQLite select_for_update is a no-op inside the (serialised)
    # write transaction, so the same setting works in both modes and satisfies viewflow.W001.
    lock_impl = lock.select_for_update_lock

    start = (
        flow.StartHandle(this.start_review).Annotation(title=_("Paper received")).Next(this.triage)
    )

    triage = _with_deadline(
        OfficeView("workflows.views.tasks.triage")
        .Annotation(title=_("Triage"))
        .Permission("review.triage_review"),
        this.remind,
        this.escalate,
    ).Next(this.is_relevant)

    is_relevant = (
        flow.If(lambda activation: _case(activation).status != Review.Status.NOT_AFFECTED)
        .Annotation(title=_("Affected?"))
        .Then(this.assign)
        .Else(this.not_affected)
    )

    assign = _with_deadline(
        OfficeView("workflows.views.tasks.assign")
        .Annotation(title=_("Assignment"))
        .Permission("review.assign_review"),
        this.remind,
        this.escalate,
    ).Next(this.draft)

    draft = _with_deadline(
        OfficeView("workflows.views.drafting.draft")
        .Annotation(title=_("Draft of the statement"))
        .Permission("review.draft_statement")
        .Assign(lambda activation: _case(activation).assignee),
        this.remind,
        this.escalate,
    ).Next(this.needs_participation)

    needs_participation = (
        flow.If(lambda activation: _case(activation).status == Review.Status.PARTICIPATION)
        .Annotation(title=_("Participation?"))
        .Then(this.participation)
        .Else(this.approve)
    )

    participation = (
        flow.Split()
        .Annotation(title=_("Participation"))
        .Next(this.await_beirat, case=this.beirat_vote_awaited)
        .Next(this.await_contributions, case=this.contributions_awaited)
    )
    await_beirat = (
        flow.Handle(this.participation_received)
        .Annotation(title=_("Vote of the Beirat"))
        .Next(this.participation_closed)
    )
    await_contributions = (
        flow.Handle(this.participation_received)
        .Annotation(title=_("Contributions and co-signatures"))
        .Next(this.participation_closed)
    )
    participation_closed = (
        flow.Join().Annotation(title=_("Participation closed")).Next(this.to_approval)
    )
    to_approval = (
        flow.Function(this.submit_for_approval)
        .Annotation(title=_("To final approval"))
        .Next(this.approve)
    )

    approve = _with_deadline(
        ApprovalView("workflows.views.tasks.approve")
        .Annotation(title=_("Final approval"))
        .Permission("review.approve_statement")
        .onCreate(this.approval_waiting),
        this.remind,
        this.escalate,
    ).Next(this.is_approved)

    is_approved = (
        flow.If(lambda activation: _case(activation).status == Review.Status.APPROVED)
        .Annotation(title=_("Released?"))
        .Then(this.generate_documents)
        .Else(this.draft)
    )

    generate_documents = (
        flow.Function(this.queue_documents)
        .Annotation(title=_("Generate documents"))
        .Next(this.await_documents)
    )
    await_documents = (
        flow.Handle(this.documents_finished)
        .Annotation(title=_("Documents ready"))
        .Next(this.dispatch)
    )
    dispatch = flow.Function(this.send_statement).Annotation(title=_("Dispatch")).Next(this.outcome)

    # The officer in charge records the decision (their deputy while they are absent); a case
    # without one (opened and closed by hand) stays in the team queue.
    outcome = _with_deadline(
        OfficeView("workflows.views.tasks.outcome")
        .Annotation(title=_("Record the decision"))
        .Permission("review.record_outcome")
        .Assign(lambda activation: _case(activation).assignee),
        this.remind,
        this.escalate,
    ).Next(this.end)

    remind = flow.Function(this.notify_overdue).Annotation(title=_("Reminder")).Next(this.reminded)
    escalate = (
        flow.Function(this.notify_deputy).Annotation(title=_("Escalation")).Next(this.reminded)
    )
    reminded = flow.End().Annotation(title=_("Reminded"))
    not_affected = flow.End().Annotation(title=_("Not affected"))
    end = flow.End().Annotation(title=_("Closed"))

    # --- callbacks ---------------------------------------------------------------------------

    def start_review(self, activation: Activation, review: Review) -> ReviewProcess:
        activation.process.review = review
        activation.process.save()
        return activation.process

    def beirat_vote_awaited(self, activation: Activation) -> bool:
        return _case(activation).awaits_beirat_vote()

    def contributions_awaited(self, activation: Activation) -> bool:
        return _case(activation).awaits_contributions()

    def participation_received(self, activation: Activation) -> None:
        """Completed from outside (vote recorded, contributions answered, due date passed)."""

    def submit_for_approval(self, activation: Activation) -> None:
        close_participation(review=_review(activation))

    def approval_waiting(self, activation: Activation) -> None:
        """The document preview of the approval page is made while nobody waits for it."""
        review_id = activation.process.review_id
        transaction.on_commit(lambda: warm_statement_previews.delay(review_id))

    def queue_documents(self, activation: Activation) -> None:
        documents.queue(review=_review(activation))

    def documents_finished(self, activation: Activation) -> None:
        """Completed by the receiver of review.signals.documents_ready."""

    def send_statement(self, activation: Activation) -> None:
        documents.dispatch(review=_review(activation))

    def notify_overdue(self, activation: Activation) -> None:
        reminders.remind(activation, escalated=False)

    def notify_deputy(self, activation: Activation) -> None:
        reminders.remind(activation, escalated=True)


def expected_steps(review: Review) -> frozenset[str]:
    """The flow's open steps that fit where the review is: the status (and the facts beside it)
    decides, the flow follows. tests/workflows/test_state_agreement.py checks every path."""
    status = review.status
    if status == Review.Status.NEW:
        return frozenset({"triage"})
    if status == Review.Status.AWAITING_ASSIGNMENT:
        return frozenset({"assign"})
    if status in (Review.Status.ASSIGNED, Review.Status.DRAFTING):
        return frozenset({"draft"})
    if status == Review.Status.PARTICIPATION:
        awaited = {
            "await_beirat": review.awaits_beirat_vote(),
            "await_contributions": review.awaits_contributions(),
        }
        return frozenset(name for name, waiting in awaited.items() if waiting)
    if status == Review.Status.APPROVAL:
        return frozenset({"approve"})
    if status == Review.Status.APPROVED:
        # Documents are awaited; a dispatch that found nobody or failed went on to the outcome.
        stopped = (Review.DispatchOutcome.NO_RECIPIENTS, Review.DispatchOutcome.FAILED)
        return frozenset({"outcome" if review.dispatch_outcome in stopped else "await_documents"})
    if status == Review.Status.DISPATCHED:
        return frozenset({"outcome"})
    return frozenset()  # NOT_AFFECTED, CLOSED: the process has ended


def open_steps(review: Review) -> frozenset[str]:
    """The names of the flow's waiting human steps and Handles of this review."""
    tasks = Task.objects.filter(
        process__reviewprocess__review=review,
        status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED],
    ).exclude(flow_task_type__in=["TIMER", "JOIN"])
    return frozenset(task.flow_task.name for task in tasks)


def status_and_flow_agree(review: Review) -> bool:
    """Both machines tell the same place. In participation a branch whose due date passed has
    closed early although its answer is missing: there the open steps are a non-empty part."""
    expected, found = expected_steps(review), open_steps(review)
    if review.status == Review.Status.PARTICIPATION:
        return bool(found) and found <= expected
    return found == expected


def start_for_review(review: Review, *, by: User | None = None) -> ReviewProcess:
    """Start the flow for a review, once: a second call returns the running process."""
    existing = ReviewProcess.objects.filter(review=review).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        return ReviewFlow.start.run(review=review)


def start_missing(limit: int = 500) -> int:
    """Start the flow for open reviews that have none (a failed or missed start)."""
    started = 0
    for review in Review.objects.open().filter(process__isnull=True).order_by("id")[:limit]:
        start_for_review(review)
        started += 1
    return started


def waiting_task(review: Review, node: Any) -> Task | None:
    """The NEW task of a Handle for this review, if the flow waits there."""
    return (
        Task.objects.filter(
            process__reviewprocess__review=review, flow_task=node, status=STATUS.NEW
        )
        .order_by("id")
        .first()
    )
