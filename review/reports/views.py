"""The report page for the office, the Beirat's anonymised view, and the cases behind a figure."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from review.external import access
from review.models import User

from . import figures
from .forms import ReportFilterForm
from .presentation import charts

CASES_PER_PAGE = 50


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _require_office(request: HttpRequest) -> None:
    if not access.is_office(_user(request)):
        raise PermissionDenied


def _require_beirat_or_office(request: HttpRequest) -> None:
    user = _user(request)
    if not (access.is_office(user) or user.has_perm("review.view_shared_review")):
        raise PermissionDenied


def _page(
    request: HttpRequest, template: str, cases_url: str, follow_ups_url: str = ""
) -> HttpResponse:
    form = ReportFilterForm.from_query(request.GET)
    report = figures.build_report(form.report_filter())
    params = form.query_params()

    def link(key: str, replacing: dict[str, str]) -> str:
        return f"{cases_url}?{urlencode({**params, **replacing, 'kennzahl': key})}"

    return render(
        request,
        template,
        {
            "form": form,
            "report": report,
            "charts": charts(report, link),
            "query": urlencode(params),
            "cases_url": cases_url,
            "follow_ups_url": follow_ups_url,
        },
    )


@login_required
def report(request: HttpRequest) -> HttpResponse:
    _require_office(request)
    return _page(
        request, "reports/report.html", reverse("reports:cases"), reverse("followups:list")
    )


@login_required
def beirat_report(request: HttpRequest) -> HttpResponse:
    _require_beirat_or_office(request)
    return _page(request, "reports/beirat.html", reverse("reports:beirat_cases"))


def _cases(request: HttpRequest, template: str) -> HttpResponse:
    form = ReportFilterForm.from_query(request.GET)
    key = request.GET.get("kennzahl", "all")
    found = figures.cases_for(form.report_filter(), key)
    if found is None:
        raise Http404
    page = Paginator(
        found.select_related("paper", "assignee")
        .prefetch_related("topics")
        .order_by("-created_at", "-pk"),
        CASES_PER_PAGE,
    ).get_page(request.GET.get("seite"))
    params = request.GET.copy()
    params.pop("seite", None)
    context: dict[str, Any] = {
        "form": form,
        "report_filter": form.report_filter(),
        "page": page,
        "figure": figures.figure_label(key),
        "filter_params": params.urlencode(),
    }
    return render(request, template, context)


@login_required
def cases(request: HttpRequest) -> HttpResponse:
    _require_office(request)
    return _cases(request, "reports/cases.html")


@login_required
def beirat_cases(request: HttpRequest) -> HttpResponse:
    _require_beirat_or_office(request)
    return _cases(request, "reports/beirat_cases.html")
