"""Actions of the Beirat and the clerks that change data."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from review.models import AuditEvent, AuditVerb, BeiratVote, Dispatch, Review, User

from . import access

VOTE_NOT_AWAITED = _("No vote of the Beirat is awaited for this case at the moment.")


class VoteError(Exception):
    pass


@transaction.atomic
def record_beirat_vote(
    *, review: Review, vote: str, text: str, meeting_date: date | None, by: User
) -> BeiratVote:
    review = Review.objects.select_for_update().get(pk=review.pk)
    if not access.awaits_beirat_vote(review):
        raise VoteError(VOTE_NOT_AWAITED)
    recorded = BeiratVote.objects.create(
        review=review, vote=vote, text=text, meeting_date=meeting_date, recorded_by=by
    )
    AuditEvent.record(
        AuditVerb.BEIRAT_VOTE_RECORDED,
        actor=by,
        obj=recorded,
        review=review,
        details={"vote": vote},
    )
    return recorded


def receipts_for(user: User, reviews: list[Review]) -> dict[int, list[Dispatch]]:
    """The mails of these reviews whose receipt this person confirms (or has confirmed)."""
    found: dict[int, list[Dispatch]] = {}
    rows = (
        Dispatch.objects.for_clerks()
        .sent()
        .filter(review__in=reviews)
        .select_related("statement_version", "organization")
        .filter(Q(recipient=user) | Q(recipient__isnull=True, organization__members=user))
        .distinct()
        .order_by("review_id", "email")
    )
    for dispatch in rows:
        found.setdefault(dispatch.review_id, []).append(dispatch)
    return found
