"""Reads for pages that show dispatches (the officers' review page)."""

from __future__ import annotations

from review.models import Dispatch, Review
from review.models.dispatch import DispatchQuerySet


def dispatches_for_review(review: Review) -> DispatchQuerySet:
    """For templates/dispatch/_review_dispatches.html: each row carries `overdue`.

    Most cases are never dispatched; for them a plain EXISTS answers, instead of the query with
    the overdue condition (a subquery over the Beratungsfolge, costly to build). A case read with
    the flag `has_dispatches` already (the case page's query) is not asked again."""
    dispatched = getattr(review, "has_dispatches", None)
    if dispatched is None:
        dispatched = Dispatch.objects.filter(review=review).exists()
    if not dispatched:
        return Dispatch.objects.none()
    return Dispatch.objects.for_review(review)
