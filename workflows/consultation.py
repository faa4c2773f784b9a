"""Consultation branches (Beirat vote, contributions): when they are in, the flow joins."""

from __future__ import annotations

from review.models import Review


def beirat_vote_awaited(review: Review) -> bool:
    return review.shared_with_beirat and not hasattr(review, "beirat_vote")


def contributions_awaited(review: Review) -> bool:
    return review.contributions.filter(status="requested").exists()


def finish(*, review: Review) -> None:
    """Placeholder until the approval service lands."""
