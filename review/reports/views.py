"""The report page for the office, the Beirat's anonymised view, and the cases behind a figure."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from review.external import access
from review.models import ReportDocument, User

from . import figures, services, summary, templates
from .forms import ReportFilterForm
from .presentation import charts

CASES_PER_PAGE = 50
DOWNLOADS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


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
    report = summary.build_report(form.report_filter())
    params = form.query_params()

    def link(key: str, replacing: dict[str, str]) -> str:
        return f"{cases_url}?{urlencode({**params, **replacing, 'kennzahl': key})}"

    outcomes = ("followed", "partly", "not_followed")
    # Each committee's outcome counts, each linked to its cases (the Gremium filter replaced).
    committees = [
        (row, [(getattr(row, o), link(o, {"gremium": str(row.pk)})) for o in outcomes])
        for row in report.by_organization
    ]

    return render(
        request,
        template,
        {
            "form": form,
            "report": report,
            "charts": charts(report, link),
            "committees": committees,
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


@login_required
@require_POST
def request_document(request: HttpRequest) -> HttpResponse:
    _require_office(request)
    form = ReportFilterForm.from_query(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please correct the period first."))
        return redirect("reports:report")
    report_document = services.request_report(
        report_filter=form.report_filter(), filters=form.query_params(), by=_user(request)
    )
    messages.success(
        request,
        _("Version %(number)s of the report is being generated.")
        % {"number": report_document.number},
    )
    return redirect("reports:documents")


@login_required
def documents(request: HttpRequest) -> HttpResponse:
    _require_office(request)
    versions = ReportDocument.objects.select_related("created_by")[:50]
    return render(request, "reports/documents.html", {"versions": versions})


@login_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """One version's row, polled by htmx while it is generated; without the trigger once done."""
    _require_office(request)
    version = get_object_or_404(ReportDocument.objects.select_related("created_by"), pk=pk)
    return render(request, "reports/documents.html#version", {"version": version})


@login_required
def download(request: HttpRequest, pk: int, fmt: str) -> FileResponse:
    _require_office(request)
    if fmt not in DOWNLOADS:
        raise Http404
    report_document = get_object_or_404(ReportDocument, pk=pk)
    stored = getattr(report_document, fmt)
    if not stored or not default_storage.exists(stored.name):
        raise Http404
    return FileResponse(
        default_storage.open(stored.name, "rb"),
        as_attachment=True,
        filename=f"{report_document.file_stem}.{fmt}",
        content_type=DOWNLOADS[fmt],
    )


@login_required
def template(request: HttpRequest) -> HttpResponse:
    """The report template is uploaded with the statements' templates, on one page."""
    if not _user(request).has_perm("review.manage_document_templates"):
        raise PermissionDenied
    return redirect(reverse("documents:templates") + "#situation-report")


@login_required
def bundled_template(request: HttpRequest) -> FileResponse:
    if not _user(request).has_perm("review.manage_document_templates"):
        raise PermissionDenied
    return FileResponse(
        io.BytesIO(templates.active_template()),
        as_attachment=True,
        filename="situation_report.docx",
        content_type=DOWNLOADS["docx"],
    )
