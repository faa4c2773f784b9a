"""Reads for pages that show dispatches (the officers' review page)."""

from __future__ import annotations

from review.models import Dispatch, Review
from review.models.dispatch import DispatchQuerySet


def dispatches_for_review(review: Review) -> DispatchQuerySet:
    """For templates/dispatch/_review_dispatches.html: each row carries `overdue`."""
    return Dispatch.objects.for_review(review)
