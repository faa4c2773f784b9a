"""The list of follow-ups, opening one on a decided case, and reporting its status."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from review.models import FollowUp, Review, User
from review.reports.forms import ReportFilterForm

from . import services
from .forms import OpenFollowUpForm, StatusForm

PER_PAGE = 50


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _get_follow_up_for_user(request: HttpRequest, pk: int) -> FollowUp:
    """404 for anyone but the office and the person asked: a guessed id reveals nothing."""
    follow_up = get_object_or_404(
        FollowUp.objects.select_related("review__paper", "assignee", "lead_office", "created_by"),
        pk=pk,
    )
    if not follow_up.may_be_updated_by(_user(request)):
        raise Http404
    return follow_up


@login_required
def follow_up_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    follow_ups = FollowUp.objects.with_overdue_flag().select_related(
        "review__paper", "assignee", "lead_office"
    )
    office = user.has_perm("review.record_outcome")
    if not office:
        follow_ups = follow_ups.filter(assignee=user)
    # From a figure of the report: only the follow-ups on the cases it counts.
    period = ReportFilterForm.from_query(request.GET) if "von" in request.GET else None
    if period is not None and period.is_valid():
        follow_ups = follow_ups.filter(review__in=period.report_filter().cases().values("pk"))
    else:
        period = None
    period_query = urlencode(period.query_params()) if period is not None else ""
    status = request.GET.get("status", "")
    if status == "ueberfaellig":
        follow_ups = follow_ups.overdue()
    elif status in FollowUp.Status.values:
        follow_ups = follow_ups.filter(status=status)
    # Overdue first (the flag annotated by with_overdue_flag), then by due date.
    ordered = follow_ups.order_by(F("is_late").desc(), "due_date", "pk")
    page = Paginator(ordered, PER_PAGE).get_page(request.GET.get("seite"))
    return render(
        request,
        "followups/list.html",
        {
            "page": page,
            "status": status,
            "statuses": FollowUp.Status.choices,
            "office": office,
            "filter_params": "&".join(
                part for part in (f"status={status}" if status else "", period_query) if part
            ),
            "period": period.report_filter() if period is not None else None,
            "period_query": period_query,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def open_follow_up(request: HttpRequest, review_pk: int) -> HttpResponse:
    user = _user(request)
    if not user.has_perm("review.record_outcome"):
        raise PermissionDenied
    review = get_object_or_404(Review.objects.select_related("paper"), pk=review_pk)
    form = OpenFollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            follow_up = services.open_follow_up(review=review, by=user, **form.cleaned_data)
        except services.FollowUpError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The follow-up was opened; the person asked was told."))
            return redirect("followups:detail", follow_up.pk)
    return render(
        request,
        "followups/open.html",
        {"form": form, "review": review, "decided": services.is_decided(review)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_detail(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = _get_follow_up_for_user(request, pk)
    form = StatusForm(request.POST or None, initial={"status": follow_up.status})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_status(follow_up=follow_up, by=_user(request), **form.cleaned_data)
        except services.FollowUpError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The status was saved."))
            return redirect("followups:detail", follow_up.pk)
    return render(request, "followups/detail.html", {"follow_up": follow_up, "form": form})
