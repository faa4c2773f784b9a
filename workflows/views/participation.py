"""Answers in the participation: a colleague's contribution, the Beirat's vote by the office."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from review.external.forms import BeiratVoteForm
from review.external.services import VoteError, record_beirat_vote
from review.models import Contribution, Review, User
from review.statements import services as statements

from .. import participation
from ..forms import ContributionAnswerForm
from .access import forbidden, office_required, permission
from .context import review_context


@office_required
@require_http_methods(["GET", "POST"])
def contribution(request: HttpRequest, pk: int) -> HttpResponse:
    asked = get_object_or_404(Contribution.objects.select_related("review__paper"), pk=pk)
    user: User = request.user  # type: ignore[assignment]
    if asked.contributor_id != user.pk:
        return forbidden(request, str(statements.CONTRIBUTION_NOT_YOURS))
    form = ContributionAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            statements.answer_contribution(
                contribution=asked,
                by=user,
                text=form.cleaned_data["text"],
                agree=form.cleaned_data["agree"],
            )
        except statements.StatementError as error:
            form.add_error(None, str(error))
        else:
            participation.settle(asked.review_id)
            messages.success(request, _("Thank you, your answer is in the case."))
            return redirect("workflows:inbox")
    return render(
        request,
        "workflows/contribution.html",
        {**review_context(asked.review), "contribution": asked, "form": form},
    )


@permission("review.record_beirat_vote")
@require_http_methods(["GET", "POST"])
def beirat_vote(request: HttpRequest, review_pk: int) -> HttpResponse:
    """The office records the Beirat's vote on its behalf (e.g. from the meeting minutes)."""
    review = get_object_or_404(Review.objects.select_related("paper"), pk=review_pk)
    form = BeiratVoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record_beirat_vote(
                review=review,
                vote=form.cleaned_data["vote"],
                text=form.cleaned_data["text"],
                meeting_date=form.cleaned_data["meeting_date"],
                by=request.user,  # type: ignore[arg-type]
            )
        except VoteError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Vote of the Beirat recorded."))
            return redirect("workflows:inbox")
    return render(request, "workflows/beirat_vote.html", {**review_context(review), "form": form})
