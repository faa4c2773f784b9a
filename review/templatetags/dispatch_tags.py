from __future__ import annotations

from typing import Any

from django import template

from review.dispatch.queries import dispatches_for_review
from review.models import Review

register = template.Library()


@register.simple_tag
def dispatch_rows(review: Review, dispatches: Any = None) -> Any:
    """The rows for dispatch/_review_dispatches.html: as passed in, or loaded for the review,
    so a page can include the partial with `review` alone."""
    if dispatches is None or isinstance(dispatches, str):  # not passed: "" (string_if_invalid)
        return dispatches_for_review(review)
    return dispatches


@register.simple_tag
def dispatch_problem(review: Review) -> str:
    """Why nothing was mailed, if the dispatch found no recipients. The partial asks only when
    the review has no dispatch rows; before the approval there is nothing to ask."""
    from review.dispatch.services import NO_RECIPIENTS

    if review.status not in {
        Review.Status.APPROVED,
        Review.Status.DISPATCHED,
        Review.Status.CLOSED,
    }:
        return ""
    if review.dispatch_outcome == Review.DispatchOutcome.NO_RECIPIENTS:
        return str(NO_RECIPIENTS)
    return ""
