"""The start page: what waits for this person, by role.

It lives in workflows because it counts the flow's tasks, with the same queries as the lists it
links to ("Meine Aufgaben", the team queue), so a count and its list cannot disagree.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from review.models import AuditCheck, Review, User
from review.models.people import Role

from .. import queries

# How many of a person's own cases the start page lists before linking to the full list.
HOME_LIST_LENGTH = 10


def _office_summary(user: User) -> dict[str, object]:
    today = timezone.localdate()
    soon = today + timedelta(days=user.notice_days)
    mine = Q(assignee=user)
    # One pass over the open cases for every figure on the page.
    counts = Review.objects.open().aggregate(
        my_count=Count("id", filter=mine),
        my_overdue=Count("id", filter=mine & Q(deadline__lt=today)),
        my_due_soon=Count("id", filter=mine & Q(deadline__gte=today, deadline__lte=soon)),
        all_overdue=Count("id", filter=Q(deadline__lt=today)),
    )
    counts["my_task_count"] = queries.inbox_tasks(user).count()
    if user.has_perm("review.triage_review"):
        counts["triage_count"] = Review.objects.in_triage().count()
    counts["team_queue_count"] = queries.team_queue_tasks(user).count()
    return {
        "my_reviews": list(
            Review.objects.open()
            .assigned_to(user)
            .select_related("paper")
            .order_by("deadline", "id")[:HOME_LIST_LENGTH]
        ),
        **counts,
        "today": today,
        "due_soon_days": user.notice_days,
        "due_soon_until": soon,
    }


def _is_administrator(user: User) -> bool:
    return user.is_superuser or user.groups.filter(name=Role.ADMIN.value).exists()


def _head_summary() -> dict[str, object]:
    return {
        "awaiting_assignment": Review.objects.awaiting_assignment().count(),
        "awaiting_approval_count": Review.objects.filter(status=Review.Status.APPROVAL).count(),
        "awaiting_approval": list(
            Review.objects.filter(status=Review.Status.APPROVAL)
            .select_related("paper", "assignee")
            .order_by("deadline", "id")[:HOME_LIST_LENGTH]
        ),
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    is_office = user.has_perm("review.view_review")
    # People outside the office have one page of their own; the start page sends them there.
    if not is_office and not user.is_staff:
        if user.has_perm("review.view_shared_review"):
            return redirect("external:beirat")
        if user.has_perm("review.view_released_statement"):
            return redirect("external:clerk")
    # Administrators may read every case but do not work on them: no task summary for them.
    works_on_cases = user.has_perm("review.draft_statement")
    context: dict[str, object] = {"is_office": works_on_cases, "is_admin": user.is_staff}
    if user.is_staff:
        context["audit_alert"] = AuditCheck.objects.latest_failure()
    if works_on_cases:
        context.update(_office_summary(user))
    # The administration may hold every permission, but assigning and approving is not its work.
    if user.has_perm("review.approve_statement") and not _is_administrator(user):
        context["is_head"] = True
        context.update(_head_summary())
    return render(request, "review/home.html", context)
