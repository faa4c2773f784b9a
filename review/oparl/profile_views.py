"""Administrators' pages for the relevance profile: terms, watched organisations, preview.

Every change leads to the preview ("14 Vorlagen würden neu vorgeschlagen, 3 nicht mehr");
only the button there re-scores the papers, in the background.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from review.models import KeywordTerm, Organization

from . import rescoring, services
from .forms import KeywordTermForm, WatchedForm

PERMISSION = "review.change_keywordterm"


@login_required
@permission_required(PERMISSION, raise_exception=True)
def profile(request: HttpRequest) -> HttpResponse:
    terms = KeywordTerm.objects.select_related("topic").order_by("topic__name", "term")
    watched = Organization.objects.filter(is_watched=True).order_by("name")
    return render(request, "oparl/relevance_profile.html", {"terms": terms, "watched": watched})


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def term_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    term = get_object_or_404(KeywordTerm, pk=pk) if pk else None
    form = KeywordTermForm(request.POST or None, instance=term)
    if request.method == "POST" and form.is_valid():
        services.save_keyword_term(form=form, by=request.user)  # type: ignore[arg-type]
        messages.success(request, _("The profile was saved. Check what would change."))
        return redirect("relevance_preview")
    return render(request, "oparl/keyword_form.html", {"form": form, "term": term})


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def watched_edit(request: HttpRequest) -> HttpResponse:
    form = WatchedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.set_watched_organizations(
            organizations=list(form.cleaned_data["watched"]),
            by=request.user,  # type: ignore[arg-type]
        )
        messages.success(
            request, _("The watched organisations were saved. Check what would change.")
        )
        return redirect("relevance_preview")
    return render(request, "oparl/watched_form.html", {"form": form})


@login_required
@permission_required(PERMISSION, raise_exception=True)
def preview(request: HttpRequest) -> HttpResponse:
    result = rescoring.preview(now=timezone.now())
    return render(
        request,
        "oparl/relevance_preview.html",
        {
            "result": result,
            "new": result.new[: rescoring.SAMPLE],
            "dropped": result.dropped[: rescoring.SAMPLE],
        },
    )


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_POST
def rescore(request: HttpRequest) -> HttpResponse:
    services.request_rescore(by=request.user)  # type: ignore[arg-type]
    messages.success(
        request,
        _(
            "The papers are being scored again in the background; "
            "new cases appear in the team queue."
        ),
    )
    return redirect("relevance_profile")
