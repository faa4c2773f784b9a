"""Reactions to domain events from `review` (connected in WorkflowsConfig.ready)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from review.models import BeiratVote, Review, User
from review.notifications import events

from . import documents, participation
from .flows import start_for_review

logger = logging.getLogger(__name__)


def on_review_opened(
    sender: Any, review_id: int, opened_by_id: int | None = None, **kw: Any
) -> None:
    review = Review.objects.get(pk=review_id)
    by = User.objects.filter(pk=opened_by_id).first() if opened_by_id else None
    try:
        start_for_review(review, by=by)
    except Exception:
        # Never break the sync that announced the review; the periodic sweep
        # (workflows.fire_timers → start_missing) starts it later.
        logger.exception("Starting the workflow for review %s failed", review_id)


def on_documents_ready(sender: Any, review_id: int, **kw: Any) -> None:
    documents.finished(review_id)


def on_decision_imported(sender: Any, review_id: int, **kw: Any) -> None:
    """The outcome task's form is prefilled from the review; nothing moves in the flow, but
    the drafter is told that the decision can now be compared with the recommendation."""
    review = Review.objects.select_related("assignee", "paper").get(pk=review_id)
    if not review.is_closed:
        events.decision_imported(review=review)


def on_beirat_vote_saved(sender: Any, instance: BeiratVote, created: bool, **kw: Any) -> None:
    if not created:
        return
    review_id = instance.review_id
    transaction.on_commit(lambda: participation.settle(review_id))
