"""Opening a review by hand (non-public drafts) and the document step's status with retry."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from review import services
from review.models import Paper, Review
from review.oparl import rescoring

from .. import documents
from ..flows import ReviewFlow, start_for_review, waiting_task
from ..forms import ManualReviewForm
from .access import permission


@permission("review.add_review")
@require_http_methods(["GET", "POST"])
def open_review(request: HttpRequest) -> HttpResponse:
    form = ManualReviewForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            review = services.open_manual_review(
                name=data["name"],
                reference=data["reference"],
                paper_type=data["paper_type"],
                paper_date=data["paper_date"],
                draft_pdf=data["draft_pdf"],
                deadline=data["deadline"],
                by=request.user,  # type: ignore[arg-type]
            )
        except services.ReviewActionError as error:
            form.add_error("draft_pdf", str(error))
        else:
            # The review_opened receiver starts the flow on commit as well; starting is
            # idempotent, and doing it here lets us open the triage page at once.
            start_for_review(review, by=request.user)  # type: ignore[arg-type]
            messages.success(request, _("Case opened; it now waits for triage."))
            triage = waiting_task(review, ReviewFlow.triage)
            if triage is not None:
                return redirect("workflows:task", pk=triage.pk)
            return redirect("workflows:team_queue")
    return render(request, "workflows/open_review.html", {"form": form})


@permission("review.add_review")
def near_threshold(request: HttpRequest) -> HttpResponse:
    misses = rescoring.near_threshold(now=timezone.now())
    return render(
        request, "workflows/near_threshold.html", {"misses": misses, "days": rescoring.NEAR_DAYS}
    )


@permission("review.add_review")
@require_POST
def pull_in(request: HttpRequest, paper_pk: int) -> HttpResponse:
    paper = get_object_or_404(Paper, pk=paper_pk)
    try:
        review = services.pull_in_paper(paper=paper, by=request.user)  # type: ignore[arg-type]
    except services.ReviewActionError as error:
        messages.error(request, str(error))
        return redirect("workflows:near_threshold")
    start_for_review(review, by=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Case opened; it now waits for triage."))
    triage = waiting_task(review, ReviewFlow.triage)
    if triage is not None:
        return redirect("workflows:task", pk=triage.pk)
    return redirect("workflows:near_threshold")


@permission("review.dispatch_statement")
@require_POST
def request_documents(request: HttpRequest, review_pk: int) -> HttpResponse:
    review = get_object_or_404(Review, pk=review_pk)
    if waiting_task(review, ReviewFlow.await_documents) is None:
        messages.info(request, _("No documents are expected for this case."))
    else:
        documents.request_again(review=review, by=request.user)  # type: ignore[arg-type]
        messages.success(request, _("The documents are being generated."))
    return redirect("documents:review_documents", review_pk=review_pk)
