"""Reads for pages that show dispatches (the officers' review page)."""

from __future__ import annotations

from review.models import Dispatch, Review
from review.models.dispatch import DispatchQuerySet


def dispatches_for_review(review: Review) -> DispatchQuerySet:
    """For templates/dispatch/_review_dispatches.html: each row carries `overdue`.

    Most cases are never dispatched; for them a plain EXISTS answers, instead of the query with
    the overdue condition (a subquery over the Beratungsfolge, costly to build)."""
    if not Dispatch.objects.filter(review=review).exists():
        return Dispatch.objects.none()
    return Dispatch.objects.for_review(review)
