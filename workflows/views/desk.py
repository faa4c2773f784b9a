"""The Beauftragte's desk (#15): assign waiting cases from a list with everyone's workload, give
or refuse the final approval with the statement as it would go out, then on to the next one.

Each action is its own POST view; after it the desk shows the next waiting item in focus.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from review import services
from review.accounts import services as accounts
from review.documents.preview import statement_preview
from review.models import User
from review.statements import services as statements

from .. import desk, queries, runner
from ..flows import ReviewFlow
from ..forms import AbsenceForm, DeskAssignForm, SendBackForm, staff
from .access import forbidden, human_task, office_required, permission, refusal
from .context import task_context
from .drafting import versions_of

DOMAIN_ERRORS = (services.ReviewActionError, statements.StatementError, runner.TaskError)


# --- assignment --------------------------------------------------------------------------------


def _assignment_page(
    request: HttpRequest,
    *,
    focus: int | None = None,
    failed: tuple[int, DeskAssignForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    loads = desk.workloads()
    rows = desk.waiting_assignments(user)
    return render(
        request,
        "workflows/desk_assign.html",
        {
            "rows": rows,
            "loads": loads,
            "available": [load for load in loads if load.available],
            "suggested": desk.suggested(loads),
            # The row to focus: the one that failed, else the first still waiting.
            "focus": failed[0] if failed else focus or (rows[0].task.pk if rows else None),
            "failed": failed,
        },
        status=status,
    )


@permission("review.assign_review")
@require_GET
def assignment_desk(request: HttpRequest) -> HttpResponse:
    return _assignment_page(request)


@permission("review.assign_review")
@require_POST
def assign_from_desk(request: HttpRequest, pk: int) -> HttpResponse:
    """Assign one waiting case to the chosen officer; no claiming first."""
    found = human_task(pk)
    if found.flow_task is not ReviewFlow.assign:
        return forbidden(request, str(runner.TASK_DONE))
    if found.status in (STATUS.DONE, STATUS.CANCELED):
        messages.info(request, str(runner.TASK_DONE))
        return redirect("workflows:assignment_desk")
    reason = refusal(found, request.user)  # type: ignore[arg-type]
    if reason is not None:
        return forbidden(request, reason)
    form = DeskAssignForm(request.POST)
    if form.is_valid():
        assignee = form.cleaned_data["assignee"]
        review = queries.review_of(found)
        try:
            runner.complete(
                found,
                request.user,  # type: ignore[arg-type]
                request,
                lambda: services.assign_review(
                    review=review,
                    assignee=assignee,
                    by=request.user,  # type: ignore[arg-type]
                    link=reverse("workflows:inbox"),
                ),
            )
        except DOMAIN_ERRORS as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(reference)s assigned to %(name)s.")
                % {"reference": review.paper.reference, "name": assignee},
            )
            return redirect("workflows:assignment_desk")
    return _assignment_page(request, failed=(found.pk, form))


@office_required
@require_http_methods(["GET", "POST"])
def absence(request: HttpRequest, user_pk: int) -> HttpResponse:
    """Absent from/until and deputy: set by the person, or by the Commissioner for anyone."""
    person = get_object_or_404(staff(), pk=user_pk)
    user: User = request.user  # type: ignore[assignment]
    if not accounts.may_set_absence(person=person, by=user):
        return forbidden(request, str(accounts.ABSENCE_NOT_YOURS))
    initial: dict[str, Any] = {
        "absent_from": person.absent_from,
        "absent_until": person.absent_until,
        "deputy": person.deputy,
    }
    form = AbsenceForm(request.POST or None, person=person, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.set_absence(person=person, by=user, **form.cleaned_data)
        except accounts.AccountError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Absence of %(name)s saved.") % {"name": person})
            if user.pk != person.pk:
                return redirect("workflows:assignment_desk")
            return redirect("workflows:inbox")
    return render(request, "workflows/absence.html", {"person": person, "form": form})


# --- approval ----------------------------------------------------------------------------------


@permission("review.approve_statement")
@require_GET
def approval_desk(request: HttpRequest) -> HttpResponse:
    """The next waiting approval in focus, or a clear "nothing left"."""
    waiting = desk.waiting_approvals(request.user)  # type: ignore[arg-type]
    if waiting:
        return redirect("workflows:task", pk=waiting[0].task.pk)
    return render(request, "workflows/desk_approve_empty.html")


def approval_page(
    request: HttpRequest, task: Task, send_back: SendBackForm | None = None, status: int = 200
) -> HttpResponse:
    """The approval with the statement as it goes out, the changes since the last send-back and
    its reason; approve and send back post to their own views."""
    review = queries.review_of(task)
    user: User = request.user  # type: ignore[assignment]
    waiting = desk.waiting_approvals(user)
    return render(
        request,
        "workflows/task_approve.html",
        {
            **task_context(task),
            "changes": desk.changes_since_send_back(review),
            "preview": statement_preview(review=review, signatory=user),
            "send_back_form": send_back or SendBackForm(),
            "versions": versions_of(review),
            "others_waiting": len([row for row in waiting if row.task.pk != task.pk]),
        },
        status=status,
    )


def _approval_task(request: HttpRequest, pk: int) -> Task | HttpResponse:
    task = human_task(pk)
    if task.flow_task is not ReviewFlow.approve:
        return forbidden(request, str(runner.TASK_DONE))
    if task.status in (STATUS.DONE, STATUS.CANCELED):
        messages.info(request, str(runner.TASK_DONE))
        return redirect("workflows:approval_desk")
    reason = refusal(task, request.user)  # type: ignore[arg-type]
    if reason is not None:
        return forbidden(request, reason)
    return task


@office_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Release: the documents are generated; the next waiting approval comes into focus."""
    found = _approval_task(request, pk)
    if isinstance(found, HttpResponse):
        return found
    review = queries.review_of(found)
    try:
        runner.complete(
            found,
            request.user,  # type: ignore[arg-type]
            request,
            lambda: statements.statement_approve(review=review, by=request.user),  # type: ignore[arg-type]
        )
    except DOMAIN_ERRORS as error:
        messages.error(request, str(error))
        return redirect("workflows:task", pk=found.pk)
    messages.success(
        request,
        _("%(reference)s released; the documents are being generated.")
        % {"reference": review.paper.reference},
    )
    return redirect("workflows:approval_desk")


@office_required
@require_POST
def send_back(request: HttpRequest, pk: int) -> HttpResponse:
    """Back to the officer with a reason; the next waiting approval comes into focus."""
    found = _approval_task(request, pk)
    if isinstance(found, HttpResponse):
        return found
    review = queries.review_of(found)
    form = SendBackForm(request.POST)
    if form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            runner.complete(
                found,
                request.user,  # type: ignore[arg-type]
                request,
                lambda: statements.statement_send_back(
                    review=review,
                    by=request.user,  # type: ignore[arg-type]
                    reason=reason,
                ),
            )
        except DOMAIN_ERRORS as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(reference)s sent back for revision.") % {"reference": review.paper.reference},
            )
            return redirect("workflows:approval_desk")
    return approval_page(request, found, send_back=form)
