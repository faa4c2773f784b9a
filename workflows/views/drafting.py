"""The drafting step: structured editor with autosave (htmx), versions and their diff."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from review.models import Review, StatementVersion, User
from review.statements import services as statements
from review.statements.diff import diff_versions

from .. import queries, runner
from ..flows import ReviewFlow
from ..forms import ParticipationForm, ProposalFormSet, StatementForm
from .access import forbidden, human_task, office_required, refusal
from .context import task_context


def versions_of(review: Review) -> list[StatementVersion]:
    return list(
        StatementVersion.objects.filter(statement__review=review)
        .select_related("author")
        .prefetch_related("change_proposals")
        .order_by("-number")
    )


def last_change(versions: list[StatementVersion]) -> dict[str, Any]:
    """The diff between the two newest versions, for the approver and the drafter."""
    if len(versions) < 2:
        return {"diff": None}
    return {
        "diff": diff_versions(versions[1], versions[0]),
        "diff_old": versions[1],
        "diff_new": versions[0],
    }


def _initial(version: StatementVersion | None) -> tuple[dict[str, str], list[dict[str, str]]]:
    if version is None:
        return {"based_on": "0"}, []
    fields = {
        "based_on": str(version.number),
        "facts": version.facts,
        "assessment": version.assessment,
        "recommendation": version.recommendation,
        "recommendation_text": version.recommendation_text,
    }
    rows = [
        {"location": p.location, "proposal": p.proposal, "reason": p.reason}
        for p in version.change_proposals.all()
    ]
    return fields, rows


def _save(review: Review, user: User, form: StatementForm, formset: Any) -> StatementVersion:
    rows = [
        statements.ProposalRow(
            row.get("location", ""), row.get("proposal", ""), row.get("reason", "")
        )
        for row in formset.cleaned_data
        if row and not row.get("DELETE")
    ]
    data = form.cleaned_data
    return statements.save_statement_draft(
        review=review,
        by=user,
        facts=data["facts"],
        assessment=data["assessment"],
        recommendation=data["recommendation"],
        recommendation_text=data["recommendation_text"],
        proposals=rows,
        based_on=data.get("based_on"),
    )


@dataclass
class DraftForms:
    """The drafting page's three forms, bound to a POST or filled from the newest version."""

    form: StatementForm
    formset: Any
    participation: ParticipationForm

    def statement_valid(self) -> bool:
        return self.form.is_valid() and self.formset.is_valid()


def _forms(request: HttpRequest, review: Review, versions: list[StatementVersion]) -> DraftForms:
    fields, rows = _initial(versions[0] if versions else None)
    data = request.POST if request.method == "POST" else None
    return DraftForms(
        form=StatementForm(data, initial=fields),
        # Initial rows only for display: bound extra forms equal to their initial would count
        # as unchanged and be dropped from cleaned_data.
        formset=ProposalFormSet(data, initial=None if data else rows, prefix="proposals"),
        participation=ParticipationForm(
            data,
            exclude=request.user,  # type: ignore[arg-type]
            initial={
                "share_with_beirat": review.shared_with_beirat,
                "due_date": review.beirat_deadline,
            },
        ),
    )


def _page(
    request: HttpRequest,
    task: Task,
    forms: DraftForms,
    versions: list[StatementVersion] | None = None,
) -> HttpResponse:
    review = queries.review_of(task)
    versions = versions_of(review) if versions is None else versions
    return render(
        request,
        "workflows/task_draft.html",
        {
            **task_context(task),
            "form": forms.form,
            "formset": forms.formset,
            "participation": forms.participation,
            "versions": versions,
            "sent_back": review.latest_send_back(),
            **last_change(versions),
        },
    )


def draft(request: HttpRequest, task: Task) -> HttpResponse:
    """The drafting page; its POST saves a version ("Speichern"). Submitting and starting the
    participation post to their own views (`submit`, `start_participation`)."""
    review = queries.review_of(task)
    versions = versions_of(review)
    forms = _forms(request, review, versions)
    if request.method == "POST" and forms.statement_valid():
        try:
            version = _save(review, request.user, forms.form, forms.formset)  # type: ignore[arg-type]
        except statements.StatementError as error:
            forms.form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Saved as version %(number)s.") % {"number": version.number}
            )
            return redirect("workflows:task", pk=task.pk)
    return _page(request, task, forms, versions)


def _finish(
    request: HttpRequest, task: Task, forms: DraftForms, action: Callable[[], object], done: str
) -> HttpResponse:
    """Save the editor and run the action, completing the drafting task (all or nothing)."""
    review = queries.review_of(task)
    user: User = request.user  # type: ignore[assignment]

    def save_and_act() -> object:
        _save(review, user, forms.form, forms.formset)
        return action()

    try:
        runner.complete(task, user, request, save_and_act)
    except (statements.StatementError, runner.TaskError) as error:
        forms.form.add_error(None, str(error))
        return _page(request, task, forms)
    messages.success(request, done)
    return redirect("workflows:inbox")


def submit_task(request: HttpRequest, task: Task) -> HttpResponse:
    review = queries.review_of(task)
    forms = _forms(request, review, versions_of(review))
    if not forms.statement_valid():
        return _page(request, task, forms)
    return _finish(
        request,
        task,
        forms,
        lambda: statements.submit_for_approval(review=review, by=request.user),  # type: ignore[arg-type]
        _("Submitted for final approval."),
    )


def start_participation_task(request: HttpRequest, task: Task) -> HttpResponse:
    review = queries.review_of(task)
    forms = _forms(request, review, versions_of(review))
    if not (forms.statement_valid() and forms.participation.is_valid()):
        return _page(request, task, forms)
    data = forms.participation.cleaned_data
    return _finish(
        request,
        task,
        forms,
        lambda: statements.start_participation(
            review=review,
            by=request.user,  # type: ignore[arg-type]
            share_with_beirat=data["share_with_beirat"],
            contributors=[(person, data["kind"]) for person in data["contributors"]],
            due_date=data["due_date"],
        ),
        _("Participation started; the answers will appear in the case."),
    )


def _drafting_task(request: HttpRequest, pk: int) -> Task | HttpResponse:
    """The open drafting task the person may do, or the refusal to show."""
    task = human_task(pk)
    if task.status in (STATUS.DONE, STATUS.CANCELED):
        # As on the task page: a second click after the first one finished the draft.
        messages.info(request, str(runner.TASK_DONE))
        return redirect("workflows:inbox")
    if task.flow_task is not ReviewFlow.draft or task.status not in (STATUS.NEW, STATUS.ASSIGNED):
        return forbidden(request, str(runner.TASK_DONE))
    reason = refusal(task, request.user)  # type: ignore[arg-type]
    if reason is not None:
        return forbidden(request, reason)
    return task


@office_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Zur Schlusszeichnung geben": save the editor and hand the draft to the approval."""
    found = _drafting_task(request, pk)
    return found if isinstance(found, HttpResponse) else submit_task(request, found)


@office_required
@require_POST
def start_participation(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Beteiligung starten": save the editor and ask the Beirat and/or colleagues."""
    found = _drafting_task(request, pk)
    return found if isinstance(found, HttpResponse) else start_participation_task(request, found)


@office_required
@require_POST
def autosave(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: save the editor as a new version (unchanged content adds none)."""
    task = human_task(pk)
    if task.flow_task is not ReviewFlow.draft or task.status != STATUS.ASSIGNED:
        return forbidden(request, str(runner.TASK_DONE))
    reason = refusal(task, request.user)  # type: ignore[arg-type]
    if reason is not None:
        return forbidden(request, reason)
    form = StatementForm(request.POST)
    formset = ProposalFormSet(request.POST, prefix="proposals")
    status, version = 200, None
    if form.is_valid() and formset.is_valid():
        try:
            version = _save(queries.review_of(task), request.user, form, formset)  # type: ignore[arg-type]
            at = timezone.localtime(version.created_at)
            text = _("Saved as version %(number)s at %(time)s.") % {
                "number": version.number,
                "time": f"{at:%H:%M}",
            }
        except statements.StatementError as error:
            text, status = str(error), 409
    else:
        text, status = _("Not saved: please check your entries."), 422
    return render(
        request,
        "workflows/autosave_status.html",
        {"text": text, "version": version, "conflict": status == 409},
        status=status,
    )


@office_required
def version_diff(request: HttpRequest, review_pk: int) -> HttpResponse:
    """Compare two versions (?alt=<number>&neu=<number>); the newest two by default."""
    review = get_object_or_404(Review.objects.select_related("paper"), pk=review_pk)
    versions = versions_of(review)
    if not versions:
        return render(
            request, "workflows/diff.html", {"review": review, "versions": [], "parts": None}
        )
    by_number = {v.number: v for v in versions}

    def pick(name: str, default: StatementVersion) -> StatementVersion:
        try:
            return by_number.get(int(request.GET.get(name, "")), default)
        except ValueError:
            return default

    new = pick("neu", versions[0])
    old = pick("alt", versions[1] if len(versions) > 1 else versions[0])
    template = (
        "workflows/diff_parts.html" if request.headers.get("HX-Request") else "workflows/diff.html"
    )
    return render(
        request,
        template,
        {
            "review": review,
            "versions": versions,
            "old": old,
            "new": new,
            "parts": diff_versions(old, new),
        },
    )
