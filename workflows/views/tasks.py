"""Task pages of the human steps: triage, assignment, approval, outcome (drafting: drafting.py).

One URL per task (/aufgaben/<id>/); the page is the view the task's node names in
workflows/flows.py (`OfficeView("workflows.views.tasks.triage")`, …), called with the task. A POST
runs the domain service and completes the task in one locked transaction (runner.complete).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from review import services
from review.models import Review, User
from review.statements import services as statements

from .. import queries, runner
from ..documents import request_not_affected_note
from ..flows import ReviewFlow
from ..forms import ApprovalForm, AssignForm, OutcomeForm, TriageForm
from . import desk
from .access import forbidden, human_task, office_required, permission, refusal
from .context import task_context

# The signature of the pages the flow's human nodes name.
TaskPage = Callable[[HttpRequest, Task], HttpResponse]
DOMAIN_ERRORS = (services.ReviewActionError, statements.StatementError, runner.TaskError)


def _done(request: HttpRequest, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("workflows:inbox")


def _run(request: HttpRequest, task: Task, action: Callable[[], object]) -> str | None:
    """Complete the task with the action; the error message if it was refused."""
    try:
        runner.complete(task, request.user, request, action)  # type: ignore[arg-type]
    except DOMAIN_ERRORS as error:
        return str(error)
    return None


def triage(request: HttpRequest, task: Task) -> HttpResponse:
    review = queries.review_of(task)
    user: User = request.user  # type: ignore[assignment]
    form = TriageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        relevant = form.cleaned_data["decision"] == TriageForm.RELEVANT
        reason = form.cleaned_data["reason"]

        def action() -> object:
            if relevant:
                return services.triage_relevant(review=review, by=user, note=reason)
            closed = services.triage_not_affected(review=review, by=user, reason=reason)
            if form.cleaned_data["note_document"]:
                request_not_affected_note(review=closed, by=user)
            return closed

        error = _run(request, task, action)
        if error is None:
            return _done(
                request,
                _("Triaged as affected; the case is waiting for assignment.")
                if relevant
                else _("Closed as “Not affected”."),
            )
        form.add_error(None, error)
    return render(request, "workflows/task_triage.html", {**task_context(task), "form": form})


def assign(request: HttpRequest, task: Task) -> HttpResponse:
    review = queries.review_of(task)
    user: User = request.user  # type: ignore[assignment]
    form = AssignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        assignee = form.cleaned_data["assignee"]
        error = _run(
            request,
            task,
            lambda: services.assign_review(
                review=review, assignee=assignee, by=user, link=reverse("workflows:inbox")
            ),
        )
        if error is None:
            return _done(request, _("Assigned to %(name)s.") % {"name": assignee})
        form.add_error(None, error)
    return render(request, "workflows/task_assign.html", {**task_context(task), "form": form})


def approve(request: HttpRequest, task: Task) -> HttpResponse:
    """The approval page (workflows/views/desk.py); its buttons post to their own views. A POST
    here with "decision" comes from a page rendered before they had them."""
    if request.method != "POST":
        return desk.approval_page(request, task)
    review = queries.review_of(task)
    user: User = request.user  # type: ignore[assignment]
    form = ApprovalForm(request.POST)
    if form.is_valid():
        approved = form.cleaned_data["decision"] == ApprovalForm.APPROVE
        reason = form.cleaned_data["reason"]
        error = _run(
            request,
            task,
            (lambda: statements.statement_approve(review=review, by=user))
            if approved
            else (lambda: statements.statement_send_back(review=review, by=user, reason=reason)),
        )
        if error is None:
            return _done(
                request,
                _("Released; the documents are being generated.")
                if approved
                else _("Sent back for revision."),
            )
        messages.error(request, error)
    else:
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, str(text))
    return desk.approval_page(request, task)


def outcome(request: HttpRequest, task: Task) -> HttpResponse:
    review = queries.review_of(task)
    user: User = request.user  # type: ignore[assignment]
    # Prefilled from the decision the sync brought: on the case, else the paper's consultation.
    imported = (review.decision_result, review.decision_text) if review.decision_result else None
    imported = imported or review.paper.imported_decision()
    initial = {
        "decision_result": imported[0] if imported else "",
        "decision_text": imported[1] if imported else "",
        "outcome": services.suggested_outcome(review, decision=imported),
    }
    form = OutcomeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        error = _run(
            request,
            task,
            lambda: services.record_outcome(
                review=review,
                decision_result=data["decision_result"],
                decision_text=data["decision_text"],
                outcome=data["outcome"],
                by=user,
            ),
        )
        if error is None:
            return _done(request, _("Decision recorded; the case is closed."))
        form.add_error(None, error)
    return render(
        request,
        "workflows/task_outcome.html",
        {
            **task_context(task),
            "form": form,
            "imported": imported is not None,
            "decision_files": list(review.paper.decision_files()),
        },
    )


@office_required
@require_http_methods(["GET", "POST"])
def task(request: HttpRequest, pk: int) -> HttpResponse:
    found = human_task(pk)
    if found.status in (STATUS.DONE, STATUS.CANCELED):
        messages.info(request, str(runner.TASK_DONE))
        return redirect("workflows:inbox")
    reason = refusal(found, request.user)  # type: ignore[arg-type]
    if reason is not None:
        return forbidden(request, reason)
    page: TaskPage = found.flow_task.view
    return page(request, found)


@office_required
@require_POST
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    found = human_task(pk)
    try:
        runner.claim(found, request.user)  # type: ignore[arg-type]
    except runner.TaskError as error:
        if str(error) == str(runner.CANNOT_TAKE) or found.flow_task is ReviewFlow.approve:
            reason = refusal(found, request.user)  # type: ignore[arg-type]
            return forbidden(request, reason or str(error))
        messages.error(request, str(error))
        return redirect("workflows:team_queue")
    messages.success(request, _("Task claimed."))
    return redirect("workflows:task", pk=found.pk)


@permission("review.assign_review")
@require_http_methods(["GET", "POST"])
def reassign(request: HttpRequest, pk: int) -> HttpResponse:
    """Give the review (and its open drafting task) to another officer."""
    found = human_task(pk)
    review: Review = queries.review_of(found)
    if found.status not in (STATUS.NEW, STATUS.ASSIGNED) or found.flow_task is not ReviewFlow.draft:
        return forbidden(request, _("Only an open draft can be reassigned."))
    form = AssignForm(request.POST or None, initial={"assignee": review.assignee})
    if request.method == "POST" and form.is_valid():
        assignee = form.cleaned_data["assignee"]
        try:
            with transaction.atomic():
                services.assign_review(
                    review=review,
                    assignee=assignee,
                    by=request.user,  # type: ignore[arg-type]
                    link=reverse("workflows:task", args=[found.pk]),
                )
                runner.reassign(found, assignee)
        except DOMAIN_ERRORS as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Reassigned to %(name)s.") % {"name": assignee})
            return redirect("workflows:inbox")
    return render(request, "workflows/reassign.html", {**task_context(found), "form": form})
