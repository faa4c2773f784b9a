"""Who may open the office's workflow pages, and how a refused task is answered."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from review.models import User
from review.statements.services import APPROVE_OWN_DRAFT, is_drafter

from ..flows import ReviewFlow
from ..models import review_of
from ..runner import CANNOT_TAKE, NOT_YOUR_TASK

View = Callable[..., HttpResponse]


def office_required(view: View) -> View:
    """Logged-in staff of the integration office (Sachbearbeitung, Beauftragte, …) only."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.has_perm("review.view_review"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def permission(codename: str) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user: User = request.user  # type: ignore[assignment]
            # The office's actions need the role; the IT superuser's flag is not enough.
            if user.is_superuser and codename not in user.granted_permissions():
                raise PermissionDenied
            if not user.has_perm(codename):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return office_required(wrapped)

    return decorator


def human_task(pk: int) -> Task:
    # get(), not first(): one row by its key needs no ORDER BY, and resolving Task's default
    # ordering is a good part of compiling this query, which every task page and write sends.
    return get_object_or_404(
        Task.objects.filter(process__flow_class=ReviewFlow, flow_task_type="HUMAN").select_related(
            "owner", "process__reviewprocess__review__paper"
        ),
        pk=pk,
    )


def refusal(task: Task, user: User) -> str | None:
    """Why this person may not work on this open task now, or None if they may."""
    if task.flow_task is ReviewFlow.approve and is_drafter(review=review_of(task), user=user):
        return str(APPROVE_OWN_DRAFT)
    if task.status == STATUS.NEW and not task.flow_task.can_assign(user, task):
        return str(CANNOT_TAKE)
    if task.status in (STATUS.ASSIGNED, STATUS.STARTED) and not task.flow_task.can_execute(
        user, task
    ):
        return str(NOT_YOUR_TASK)
    return None


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "workflows/forbidden.html", {"message": message}, status=403)
